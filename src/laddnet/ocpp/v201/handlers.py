"""OCPP 2.0.1 handlers: one per action, each translate → service → translate."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.ocpp import shared_handlers as shared
from laddnet.ocpp.certificate_handlers import sign_certificate
from laddnet.ocpp.context import Handler, HandlerContext
from laddnet.ocpp.rpc import Session
from laddnet.ocpp.v201 import translate as t
from laddnet.ocpp.v201.notifications import ACTIONS as NOTIFICATIONS


async def boot_notification(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    command = RegisterBoot(
        StationId(session.station_id), t.station_info(payload), t.VERSION, payload["reason"]
    )
    return await shared.boot(ctx, session, command)


async def status_notification(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.stations.report_status(
        t.status_report(StationId(session.station_id), payload)
    )
    return {}


async def notify_event(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    station_id = StationId(session.station_id)
    reports = t.availability_reports(station_id, payload)
    await ctx.services.stations.record_station_event(station_id, "NotifyEvent", payload, reports)
    return {}


async def authorize(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    decision = await ctx.services.authorization.authorize(payload["idToken"]["idToken"])
    return {"idTokenInfo": t.id_token_info(decision)}


async def transaction_event(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    station_id = StationId(session.station_id)
    decision = await ctx.services.sessions.record_transaction_event(
        t.transaction_event(station_id, payload)
    )
    if payload.get("reservationId") is not None:
        await ctx.services.operations.reservations.used(station_id, payload["reservationId"])
    answer: dict[str, Any] = {}
    if decision is not None:
        answer["idTokenInfo"] = t.id_token_info(decision)
    ref = payload["transactionInfo"]["transactionId"]
    if payload["eventType"] == "Ended":  # once per session: the final cost, incl. VAT
        ctx.services.running_cost.after_end(station_id, ref)
        priced = await ctx.services.cdrs.final_cost(station_id, ref)
        if priced is not None:
            answer["totalCost"] = t.total_cost(priced.total_incl_vat)
    elif payload["eventType"] == "Updated":  # the running cost, in a CostUpdated, if due
        ctx.services.running_cost.after_update(station_id, ref)
    return answer


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
    "TransactionEvent": transaction_event,
    "MeterValues": meter_values,
    "NotifyEvent": notify_event,
    "SecurityEventNotification": shared.security_event,
    "SignCertificate": sign_certificate,
    "DataTransfer": shared.data_transfer,
    **NOTIFICATIONS,
}
