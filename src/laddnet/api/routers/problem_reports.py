"""Drivers report a problem with a station: no API key (drivers have none), rate-limited per
client address and per station (429 beyond it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from laddnet.api.deps import ContainerDep
from laddnet.api.errors import ErrorBody, error_response
from laddnet.api.schemas.tickets import ProblemReport, ProblemReportAnswer
from laddnet.services.maintenance.tickets import TooManyReports

router = APIRouter(prefix="/api/v1", tags=["maintenance"])


@router.post(
    "/stations/{station_id}/problem-reports",
    status_code=201,
    response_model=ProblemReportAnswer,
    summary="A driver reports a problem (no key needed)",
    responses={
        404: {"model": ErrorBody, "description": "No such station"},
        429: {"model": ErrorBody, "description": "Too many reports; try later"},
    },
)
async def report_problem(
    station_id: str, body: ProblemReport, request: Request, container: ContainerDep
) -> Any:  # the answer, or a 429 response
    client = request.client.host if request.client else "unknown"
    try:
        ticket_id = await container.maintenance.tickets.problem_report(
            station_id, body.description, body.evse_id, client
        )
    except TooManyReports as exc:
        return error_response(429, "too_many_requests", str(exc), {"Retry-After": "3600"})
    return ProblemReportAnswer(ticket_id=ticket_id)
