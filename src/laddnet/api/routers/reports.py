"""Uptime reports and the outages they leave out. Any key reads; excluding an outage needs a
writer key (this router's role checks are its `WriterDep` parameters, nothing else)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from laddnet.api.deps import ContainerDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.schemas.reports import (
    ExclusionCreate,
    ExclusionOut,
    RepairTimesOut,
    UptimeReportOut,
    uptime_csv,
)

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/uptime",
    summary="Uptime per connector, station and site (NEVI: maintenance and exclusions left out)",
    responses={
        **NOT_FOUND_RESPONSE,
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
    },
    response_model=UptimeReportOut,
)
async def uptime_report(
    container: ContainerDep,
    from_: Annotated[
        str, Query(alias="from", description="A date (the site's local midnight) or a time")
    ],
    to: Annotated[str, Query(description="Exclusive; a date or a time with an offset")],
    site_id: Annotated[str | None, Query()] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> UptimeReportOut | PlainTextResponse:
    report = await container.maintenance.uptime.report(from_, to, site_id)
    if format == "csv":
        return PlainTextResponse(uptime_csv(report), media_type="text/csv")
    return UptimeReportOut.from_domain(report)


@router.get(
    "/reports/repair-times",
    summary="Mean time to acknowledge and to repair, per site and month",
    responses=NOT_FOUND_RESPONSE,
)
async def repair_times_report(
    container: ContainerDep,
    from_: Annotated[str, Query(alias="from", description="A date or a time with an offset")],
    to: Annotated[str, Query(description="Exclusive")],
    site_id: Annotated[str | None, Query()] = None,
) -> list[RepairTimesOut]:
    months = await container.maintenance.uptime.repair_times(from_, to, site_id)
    return [RepairTimesOut.from_domain(m) for m in months]


@router.post(
    "/uptime-exclusions",
    status_code=201,
    summary="Mark an outage as outside the operator's control",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def add_exclusion(
    body: ExclusionCreate, container: ContainerDep, writer: WriterDep
) -> dict[str, int]:
    exclusion_id = await container.maintenance.uptime.exclude(
        body.station_id, body.start, body.end, body.reason, writer.actor
    )
    return {"id": exclusion_id}


@router.get("/uptime-exclusions", summary="Excluded outages, newest first")
async def list_exclusions(
    container: ContainerDep, station_id: Annotated[str | None, Query()] = None
) -> list[ExclusionOut]:
    rows = await container.maintenance.uptime.exclusions(station_id)
    return [ExclusionOut.model_validate(r) for r in rows]
