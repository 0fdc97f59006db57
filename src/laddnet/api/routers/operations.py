"""Station operations: configuration as read, firmware updates, log uploads, reservations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from laddnet.api.deps import ContainerDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.params import RowId
from laddnet.api.schemas.operations import (
    ConfigurationItemOut,
    ConfigurationOut,
    FirmwareOut,
    FirmwareUpdateOut,
    LogUploadOut,
    LogUploadsOut,
    ReservationOut,
    ReservationsOut,
)
from laddnet.domain.ids import StationId

router = APIRouter(tags=["operations"])


@router.get(
    "/stations/{station_id}/configuration",
    summary="The station's configuration as it last reported it",
    responses=NOT_FOUND_RESPONSE,
)
async def configuration(
    station_id: str,
    container: ContainerDep,
    component: Annotated[str | None, Query(description='Only this component ("" for 1.6)')] = None,
) -> ConfigurationOut:
    items = await container.operations.configuration.items(StationId(station_id), component)
    return ConfigurationOut(items=[ConfigurationItemOut.from_domain(i) for i in items])


@router.get(
    "/stations/{station_id}/firmware",
    summary="The station's firmware version and the updates requested, with their statuses",
    responses=NOT_FOUND_RESPONSE,
)
async def firmware(station_id: str, container: ContainerDep) -> FirmwareOut:
    station, updates = await container.operations.firmware.overview(StationId(station_id))
    return FirmwareOut(
        station_id=station.id,
        firmware_version=station.info.firmware_version if station.info else None,
        updates=[FirmwareUpdateOut.from_domain(u) for u in updates],
    )


@router.get(
    "/stations/{station_id}/logs",
    summary="Log uploads requested of the station, newest first",
    responses=NOT_FOUND_RESPONSE,
)
async def logs(station_id: str, container: ContainerDep) -> LogUploadsOut:
    uploads = await container.operations.logs.uploads(StationId(station_id))
    return LogUploadsOut(items=[LogUploadOut.from_domain(u) for u in uploads])


@router.get(
    "/stations/{station_id}/logs/{log_id}/file",
    summary="Download the file the station uploaded",
    responses={**NOT_FOUND_RESPONSE, 200: {"content": {"application/octet-stream": {}}}},
    response_class=Response,
)
async def log_file(station_id: str, log_id: RowId, container: ContainerDep) -> Response:
    filename, content = await container.operations.logs.file(StationId(station_id), log_id)
    name = (filename or f"{station_id}-log-{log_id}.bin").replace('"', "")
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/stations/{station_id}/reservations",
    summary="The station's reservations, newest first (active ones per EVSE with ?active=true)",
    responses=NOT_FOUND_RESPONSE,
)
async def reservations(
    station_id: str,
    container: ContainerDep,
    active: Annotated[bool, Query(description="Only active reservations")] = False,
) -> ReservationsOut:
    found = await container.operations.reservations.list(StationId(station_id), active_only=active)
    return ReservationsOut(items=[ReservationOut.from_domain(r) for r in found])
