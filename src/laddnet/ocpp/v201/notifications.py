"""OCPP 2.0.1 notifications of station operations: the device model report, firmware and log
statuses, reservation updates."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.ocpp.common import parse_time
from laddnet.ocpp.context import Handler, HandlerContext
from laddnet.ocpp.rpc import Session
from laddnet.ocpp.v16.notifications import firmware_status, log_status


async def notify_report(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    """Stored as it comes; the last part of a report (tbc false) completes the reading."""
    await ctx.services.operations.configuration.record_report(
        StationId(session.station_id),
        payload.get("reportData") or [],
        complete=not payload.get("tbc", False),
    )
    return {}


async def reservation_status_update(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.operations.reservations.status_update(
        StationId(session.station_id), payload["reservationId"], payload["reservationUpdateStatus"]
    )
    return {}


async def notify_customer_information(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    """One part of a customer information report (seqNo, tbc), stored encrypted."""
    await ctx.services.operations.customer_information.record_part(
        StationId(session.station_id),
        payload["requestId"],
        payload["seqNo"],
        payload["data"],
        payload.get("tbc", False),
        parse_time(payload["generatedAt"]),
    )
    return {}


ACTIONS: dict[str, Handler] = {
    "NotifyReport": notify_report,
    "FirmwareStatusNotification": firmware_status,
    "LogStatusNotification": log_status,
    "ReservationStatusUpdate": reservation_status_update,
    "NotifyCustomerInformation": notify_customer_information,
}
