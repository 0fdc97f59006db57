"""Handlers whose payload and answer are the same in 1.6 and 2.0.1."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.domain.stations.model import RegistrationStatus
from laddnet.ocpp.common import format_time
from laddnet.ocpp.context import Handler, HandlerContext
from laddnet.ocpp.rpc import Session


async def heartbeat(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    await ctx.services.stations.heartbeat(StationId(session.station_id))
    return {"currentTime": format_time(ctx.services.clock.now())}


async def data_transfer(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    """Kept as a station event; we define no vendor extensions yet, so the vendor is unknown."""
    await ctx.services.stations.record_station_event(
        StationId(session.station_id), "DataTransfer", payload
    )
    return {"status": "UnknownVendorId"}


async def security_event(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    detail = f"{payload['type']}: {payload.get('techInfo', '')}"
    await ctx.services.stations.record_security_event(
        SecurityEventKind.STATION_REPORTED, session.station_id, detail, session.remote_address
    )
    return {}


def recorded(kind: str) -> Handler:
    """A handler that stores the notification as a station event and answers `{}`."""

    async def record(
        ctx: HandlerContext, session: Session, payload: dict[str, Any]
    ) -> dict[str, Any]:
        await ctx.services.stations.record_station_event(
            StationId(session.station_id), kind, payload
        )
        return {}

    return record


async def boot(ctx: HandlerContext, session: Session, command: RegisterBoot) -> dict[str, Any]:
    """BootNotification after translation: Pending under a boot storm (the station is called
    back when there is room: boot_callback.py), else registered."""
    now = format_time(ctx.services.clock.now())
    ticket = ctx.admission.try_enter()
    callbacks = ctx.boot_callbacks
    if ticket is None:
        # Pending: nothing but BootNotification until accepted again, even if accepted before.
        session.accepted = False
        if callbacks is not None:  # triggered to boot again once there is room (TC_B_31)
            callbacks.remember(session)
        return {"status": "Pending", "currentTime": now, "interval": ctx.admission.retry_interval()}
    if callbacks is not None:  # booting again now: no callback needed
        callbacks.forget(session)
    try:
        status = await ctx.services.stations.register_boot(command)
    finally:
        ctx.admission.leave(ticket)
    session.accepted = status is RegistrationStatus.ACCEPTED
    if session.accepted and not session.configuration_read:  # in the background
        ctx.services.operations.configuration.after_boot(StationId(session.station_id))
    return {"status": status.value, "currentTime": now, "interval": ctx.heartbeat_interval}
