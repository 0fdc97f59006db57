"""OCPP 1.6J handlers: one per action, each translate → service → translate."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.ocpp import shared_handlers as shared
from laddnet.ocpp.certificate_handlers import sign_certificate
from laddnet.ocpp.context import Handler, HandlerContext
from laddnet.ocpp.rpc import Session
from laddnet.ocpp.v16 import translate as t
from laddnet.ocpp.v16.notifications import ACTIONS as NOTIFICATIONS


async def boot_notification(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    command = RegisterBoot(StationId(session.station_id), t.station_info(payload), t.VERSION)
    return await shared.boot(ctx, session, command)


async def status_notification(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    report = t.status_report(StationId(session.station_id), payload, ctx.services.clock.now())
    await ctx.services.stations.report_status(report)
    return {}


async def authorize(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    decision = await ctx.services.authorization.authorize(payload["idTag"])
    return {"idTagInfo": t.id_tag_info(decision)}


async def start_transaction(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    station_id = StationId(session.station_id)
    result = await ctx.services.sessions.start_session(t.start_session(station_id, payload))
    if payload.get("reservationId") is not None:
        await ctx.services.operations.reservations.used(station_id, payload["reservationId"])
    return {"transactionId": result.session_id, "idTagInfo": t.id_tag_info(result.authorization)}


async def stop_transaction(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    decision = await ctx.services.sessions.stop_session(
        t.stop_session(StationId(session.station_id), payload)
    )
    return {"idTagInfo": t.id_tag_info(decision)} if decision is not None else {}


async def meter_values(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.sessions.record_meter_values(
        t.meter_values(StationId(session.station_id), payload)
    )
    return {}


ACTIONS: dict[str, Handler] = {
    "BootNotification": boot_notification,
    "Heartbeat": shared.heartbeat,
    "StatusNotification": status_notification,
    "Authorize": authorize,
    "StartTransaction": start_transaction,
    "StopTransaction": stop_transaction,
    "MeterValues": meter_values,
    "DataTransfer": shared.data_transfer,
    "SecurityEventNotification": shared.security_event,
    "SignCertificate": sign_certificate,
    **NOTIFICATIONS,
}
