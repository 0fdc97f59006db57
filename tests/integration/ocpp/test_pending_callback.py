"""Stations answered Pending are called back with TriggerMessage BootNotification once boot
admission has room, over real WebSockets, 1.6 and 2.0.1 (ocpp/boot_callback.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.commands.model import CommandRecord
from laddnet.domain.events import Event
from laddnet.domain.ids import StationId
from laddnet.ocpp.boot_callback import ACTOR
from laddnet.ocpp.server import Gateway
from tests.integration.commands.helpers import eventually
from tests.integration.ocpp.conftest import Running, serving

TRIGGER_BOOT = ("TriggerMessage", {"requestedMessage": "BootNotification"})


@pytest.fixture
async def gated(database_url: str) -> AsyncIterator[Running]:
    """A gateway admitting one boot at a time: a test holding that one gets Pending answers."""
    container: Container = build(Settings(database_url=database_url, boot_admission_limit=1))
    try:
        async with serving(container) as running:
            yield running
    finally:
        await container.aclose()


async def _triggers(running: Running, station_id: str) -> list[CommandRecord]:
    records, _ = await running.container.commands.history(
        StationId(station_id), name="trigger-message", limit=10, offset=0
    )
    return records


async def _boots(running: Running) -> list[Event]:
    since = datetime(2000, 1, 1, tzinfo=UTC)
    events = await running.container.database.read(
        lambda uow: uow.event_history.after(0, since=since, limit=100, types=None, station_id=None)
    )
    return [e for e in events if e.type == "station.booted"]


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_pending_station_is_triggered_once_there_is_room_and_accepted(
    gated: Running, version: str
) -> None:
    ticket = gated.gateway.admission.try_enter()  # a boot in flight fills admission
    assert ticket is not None
    station = gated.station("CP-1", version)
    await station.connect()
    try:
        assert (await station.boot())["status"] == "Pending"
        assert len(gated.gateway.boot_callbacks) == 1
        gated.gateway.admission.leave(ticket)

        async def accepted() -> bool:  # the triggered boot, stored as Accepted
            return any(e.data["status"] == "Accepted" for e in await _boots(gated))

        await eventually(accepted)
        assert TRIGGER_BOOT in station.received_calls
        await station.heartbeat()  # accepted: no SecurityError any more

        async def logged() -> bool:
            return any(r.status is not None for r in await _triggers(gated, "CP-1"))

        await eventually(logged)
        (record,) = await _triggers(gated, "CP-1")
        assert record.sent_by == ACTOR and record.status == "Accepted"
        assert record.request == {"requestedMessage": "BootNotification"}
        (booted,) = await _boots(gated)  # the Pending boot registered nothing
        assert booted.data["status"] == "Accepted"
        assert booted.data["reason"] == ("Triggered" if version == "2.0.1" else None)
        assert len(gated.gateway.boot_callbacks) == 0
    finally:
        await station.close()


async def test_a_pending_station_that_disconnected_is_not_triggered(gated: Running) -> None:
    ticket = gated.gateway.admission.try_enter()
    assert ticket is not None
    gone, staying = gated.station("CP-1", "2.0.1"), gated.station("CP-2", "2.0.1")
    await gone.connect()
    await staying.connect()
    try:
        assert (await gone.boot())["status"] == "Pending"  # the oldest: called back first
        assert (await staying.boot())["status"] == "Pending"
        await gone.close()

        async def closed_here() -> bool:
            return gated.gateway.registry.get("CP-1") is None

        await eventually(closed_here)
        assert len(gated.gateway.boot_callbacks) == 1
        gated.gateway.admission.leave(ticket)

        async def accepted() -> bool:
            return staying.heartbeat_interval is not None

        await eventually(accepted)
        assert TRIGGER_BOOT in staying.received_calls
        assert TRIGGER_BOOT not in gone.received_calls
        assert await _triggers(gated, "CP-1") == []  # not even attempted
    finally:
        await staying.close()


async def test_a_pending_station_that_boots_again_by_itself_is_forgotten(gated: Running) -> None:
    ticket = gated.gateway.admission.try_enter()
    assert ticket is not None
    station = gated.station("CP-1", "2.0.1")
    await station.connect()
    try:
        assert (await station.boot())["status"] == "Pending"
        assert len(gated.gateway.boot_callbacks) == 1
        gated.gateway.admission.leave(ticket)
        assert (await station.boot())["status"] == "Accepted"  # its interval ended first
        assert len(gated.gateway.boot_callbacks) == 0
    finally:
        await station.close()


async def test_turned_off_a_pending_station_is_not_remembered(database_url: str) -> None:
    settings = Settings(database_url=database_url, boot_admission_limit=0, boot_callback=False)
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1")
        station = running.station("CP-1", "2.0.1")
        await station.connect()
        assert (await station.boot())["status"] == "Pending"
        assert len(gateway.boot_callbacks) == 0
        await station.close()
    finally:
        await gateway.stop()
        await container.aclose()
