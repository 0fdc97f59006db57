"""OCPP 1.6 notifications of station operations: firmware and log (diagnostics) statuses.
The security extension's Signed* and Log* notifications carry the requestId."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.ocpp.context import Handler, HandlerContext
from laddnet.ocpp.rpc import Session


async def firmware_status(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.operations.firmware.record_status(
        StationId(session.station_id), payload.get("requestId"), payload["status"]
    )
    return {}


async def log_status(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.operations.logs.record_status(
        StationId(session.station_id), payload.get("requestId"), payload["status"]
    )
    return {}


ACTIONS: dict[str, Handler] = {
    "FirmwareStatusNotification": firmware_status,
    "SignedFirmwareStatusNotification": firmware_status,
    "DiagnosticsStatusNotification": log_status,
    "LogStatusNotification": log_status,
}
