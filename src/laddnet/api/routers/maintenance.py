"""Alerts, alert rules and maintenance mode. Any key reads; changes need a writer key
(the role checks of this router are the `WriterDep` parameters below, nothing else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from laddnet.api.deps import ContainerDep, PageDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import RowId
from laddnet.api.schemas.maintenance import (
    AlertOut,
    AlertPage,
    AlertRulesOut,
    AlertRulesUpdate,
    MaintenanceRequest,
    MaintenanceResult,
)
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.health import WINDOW

router = APIRouter(tags=["maintenance"])


@router.get("/alerts", summary="Alerts, newest first")
async def list_alerts(
    container: ContainerDep,
    page: PageDep,
    status: Annotated[str | None, Query(description="open or closed")] = None,
    station_id: Annotated[str | None, Query()] = None,
    kind: Annotated[
        str | None, Query(description="station_offline, connector_faulted, ...")
    ] = None,
) -> AlertPage:
    found, total = await container.maintenance.alerts(
        status=status, station_id=station_id, kind=kind, limit=page.limit, offset=page.offset
    )
    attempts = await container.maintenance.attempts([a.id for a in found])
    items = [AlertOut.from_domain(a, attempts.get(a.id, ())) for a in found]
    return AlertPage(items=items, total=total, limit=page.limit, offset=page.offset)


class AlertClose(BaseModel):
    reason: str = Field(
        default="", max_length=200, description="Why (kept in close_reason, with who closed it)"
    )


@router.post(
    "/alerts/{alert_id}/close",
    summary="Close an open alert by hand (e.g. a critical security event looked into)",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def close_alert(
    alert_id: RowId, body: AlertClose, container: ContainerDep, writer: WriterDep
) -> AlertOut:
    alert = await container.maintenance.close_alert(alert_id, body.reason, writer.actor)
    attempts = await container.maintenance.attempts([alert.id])
    return AlertOut.from_domain(alert, attempts.get(alert.id, ()))


@router.get("/alert-rules", summary="The alert rules: defaults, overrides, in force")
async def get_alert_rules(
    container: ContainerDep,
    site_id: Annotated[
        str | None, Query(description="Show the rules in force at this site")
    ] = None,
) -> AlertRulesOut:
    return AlertRulesOut.from_domain(await container.maintenance.rules(), site_id)


@router.put(
    "/alert-rules",
    summary="Replace the network's or a site's overrides of the alert rules",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def put_alert_rules(
    body: AlertRulesUpdate, container: ContainerDep, writer: WriterDep
) -> AlertRulesOut:
    rules = await container.maintenance.set_rules(body.site_id, body.rules, writer.actor)
    return AlertRulesOut.from_domain(rules, body.site_id)


@router.post(
    "/stations/{station_id}/maintenance",
    summary="Switch maintenance mode on or off (ChangeAvailability Inoperative / Operative)",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def set_maintenance(
    station_id: str, body: MaintenanceRequest, container: ContainerDep, writer: WriterDep
) -> MaintenanceResult:
    change = await container.maintenance.set_maintenance(
        StationId(station_id),
        on=body.on,
        reason=body.reason,
        until=body.until,
        actor=writer.actor,
    )
    return MaintenanceResult.from_domain(change)


class ConnectorHealthOut(BaseModel):
    evse_id: int
    connector_id: int
    score: int = Field(description="0 (broken) to 100 (healthy)")
    reasons: list[str] = Field(description="What cost it points, worst first")


class HealthOut(BaseModel):
    station_id: str
    score: int = Field(
        description="0 (broken) to 100 (healthy): the lower of the station's own and its "
        "worst connector's"
    )
    reasons: list[str] = Field(description="What cost it points, worst first")
    window_days: int = Field(description="The signals' period, up to now")
    connectors: list[ConnectorHealthOut] = Field(
        default_factory=list,
        description="Each connector's score from its own sessions, fault reports and power",
    )


@router.get(
    "/stations/{station_id}/health",
    summary="A station's and its connectors' health scores from the last week, with reasons",
    responses=NOT_FOUND_RESPONSE,
)
async def station_health(station_id: str, container: ContainerDep) -> HealthOut:
    health = await container.maintenance.health(StationId(station_id))
    return HealthOut(
        station_id=station_id,
        score=health.score,
        reasons=list(health.reasons),
        window_days=WINDOW.days,
        connectors=[
            ConnectorHealthOut(
                evse_id=c.evse_id,
                connector_id=c.connector_id,
                score=c.health.score,
                reasons=list(c.health.reasons),
            )
            for c in health.connectors
        ],
    )
