"""Stations: the list, and one station's live state."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from laddnet.api.deps import ContainerDep, PageDep, PrincipalDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.stations import StationOut, StationPage
from laddnet.domain.errors import UnknownStation
from laddnet.domain.ids import StationId

router = APIRouter(prefix="/stations", tags=["stations"])


@router.get("", summary="List stations, ordered by id")
async def list_stations(
    container: ContainerDep,
    page: PageDep,
    principal: PrincipalDep,
    include_decommissioned: Annotated[
        bool, Query(description="Also list decommissioned stations.")
    ] = False,
) -> StationPage:
    stations, total = await container.queries.stations(
        limit=page.limit,
        offset=page.offset,
        include_decommissioned=include_decommissioned,
        sites=principal.sites,
    )
    reserved = await container.operations.reservations.active_for([s.id for s in stations])
    modes = await container.maintenance.modes([s.id for s in stations])
    low = await container.maintenance.health_lows([s.id for s in stations])
    return StationPage(
        items=[
            StationOut.from_domain(
                s, [r for r in reserved if r.station_id == s.id], modes.get(s.id), low.get(s.id)
            )
            for s in stations
        ],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{station_id}", summary="One station's live state", responses=NOT_FOUND_RESPONSE)
async def get_station(station_id: str, container: ContainerDep) -> StationOut:
    station = await container.queries.station(StationId(station_id))
    if station is None:
        raise UnknownStation(f"station {station_id!r} not found")
    reserved = await container.operations.reservations.active_for([station.id])
    modes = await container.maintenance.modes([station.id])
    low = await container.maintenance.health_lows([station.id])
    return StationOut.from_domain(station, reserved, modes.get(station.id), low.get(station.id))
