"""Station administration: register, change and decommission stations; their status history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from laddnet.api.deps import ContainerDep, PageDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES, ErrorBody
from laddnet.api.params import INT32_MAX, Instant
from laddnet.api.schemas.station_admin import (
    StationCreate,
    StationCreated,
    StationUpdate,
    StatusChangeOut,
    StatusHistoryPage,
)
from laddnet.api.schemas.stations import StationOut
from laddnet.domain.errors import InvalidInput, NotAuthorized, UnknownStation
from laddnet.domain.ids import EvseId, SiteId, StationId
from laddnet.services.handlers.station_admin import UNCHANGED

router = APIRouter(prefix="/stations", tags=["stations"])

_TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The id is taken (decommissioned ones too)"}
}
_CONNECTED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "Connected, or already decommissioned"}
}


@router.post(
    "", status_code=201, summary="Register a station", responses={**WRITE_RESPONSES, **_TAKEN}
)
async def create_station(
    body: StationCreate, container: ContainerDep, writer: WriterDep
) -> StationCreated:
    _in_scope(writer.sites, body.site_id)
    admin, station_id = container.station_admin, StationId(body.id)
    site_id = SiteId(body.site_id) if body.site_id is not None else None
    name, profile = body.display_name, body.security_profile
    password = None
    if body.generate_password:
        station, password = await admin.register_station_drawing_password(
            station_id,
            actor=writer.actor,
            site_id=site_id,
            display_name=name,
            security_profile=profile,
        )
    else:
        station = await admin.register_station(
            station_id,
            body.password,
            actor=writer.actor,
            site_id=site_id,
            display_name=name,
            security_profile=profile,
        )
    return StationCreated(**dict(StationOut.from_domain(station)), password=password)


@router.patch(
    "/{station_id}",
    summary="Move a station to a site, rename it or give it a new password",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def update_station(
    station_id: str, body: StationUpdate, container: ContainerDep, writer: WriterDep
) -> StationOut:
    sent = body.model_fields_set
    site_id = SiteId(body.site_id) if body.site_id is not None else None
    if "site_id" in sent:
        _in_scope(writer.sites, body.site_id)
    station = await container.station_admin.update_station(
        StationId(station_id),
        actor=writer.actor,
        site_id=site_id if "site_id" in sent else UNCHANGED,
        display_name=body.display_name if "display_name" in sent else UNCHANGED,
        password=body.password,
        security_profile=body.security_profile,
        allowed_networks=body.allowed_networks if "allowed_networks" in sent else UNCHANGED,
    )
    modes = await container.maintenance.modes([station.id])
    return StationOut.from_domain(station, maintenance=modes.get(station.id))


@router.delete(
    "/{station_id}",
    summary="Decommission a station (refused while it is connected); its history stays",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE, **_CONNECTED},
)
async def decommission_station(
    station_id: str, container: ContainerDep, writer: WriterDep
) -> StationOut:
    station = await container.station_admin.decommission_station(
        StationId(station_id), actor=writer.actor
    )
    return StationOut.from_domain(station)


@router.get(
    "/{station_id}/status-history",
    summary="A station's status changes, newest first",
    responses=NOT_FOUND_RESPONSE,
)
async def status_history(
    station_id: str,
    container: ContainerDep,
    page: PageDep,
    since: Annotated[
        Instant | None,
        Query(description="Changes at or after this station time (ISO-8601 with timezone)."),
    ] = None,
    until: Annotated[
        Instant | None,
        Query(description="Changes before this station time (ISO-8601 with timezone)."),
    ] = None,
    evse_id: Annotated[
        int | None,
        Query(ge=0, le=INT32_MAX, description="Only this EVSE's (0: the whole station's)."),
    ] = None,
) -> StatusHistoryPage:
    if since is not None and until is not None and until < since:
        raise InvalidInput("query parameter 'until' is before 'since'")
    sid = StationId(station_id)
    if await container.queries.station(sid) is None:
        raise UnknownStation(f"station {station_id!r} not found")
    changes, total = await container.queries.status_history(
        sid,
        since=since,
        until=until,
        evse_id=EvseId(evse_id) if evse_id is not None else None,
        limit=page.limit,
        offset=page.offset,
    )
    return StatusHistoryPage(
        items=[StatusChangeOut.from_domain(c) for c in changes],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _in_scope(scope: frozenset[str] | None, site_id: str | None) -> None:
    """A caller limited to some sites places stations on those sites only."""
    if scope is not None and (site_id is None or site_id not in scope):
        raise NotAuthorized("site_id: stations go on a site of your site scope")
