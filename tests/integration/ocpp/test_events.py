"""Events from real OCPP stations: stored with their change, published by the relay after it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from laddnet.domain.events import Event
from tests.integration.ocpp.conftest import Running

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _stored(running: Running) -> list[Event]:
    since = datetime(2000, 1, 1, tzinfo=UTC)
    return await running.container.database.read(
        lambda uow: uow.event_history.after(0, since=since, limit=1000, types=None, station_id=None)
    )


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_station_lifecycle_emits_its_events_in_order(
    running: Running, version: str
) -> None:
    container = running.container
    received: list[Event] = []
    unsubscribe = container.event_bus.subscribe(received.append)
    await container.events.start()
    try:
        await container.authorization.add_token("TAG-1")
        station = running.station("CP-1", version)
        await station.connect()
        await station.boot()
        tx = await station.start_session(1, "TAG-1", meter_start_wh=1000, timestamp=T0)
        await station.meter(1, 2000, 11000, T0 + timedelta(minutes=10))
        await station.stop_session(1, 3500, timestamp=T0 + timedelta(minutes=20))
        await station.close()
        async with asyncio.timeout(10):
            while not any(e.type == "station.disconnected" for e in received):
                await asyncio.sleep(0.02)
    finally:
        unsubscribe()
        await container.events.stop()

    stored = await _stored(running)
    ids = [e.id for e in received]
    assert ids == sorted(set(ids))  # each published once, in order
    mine = [e for e in stored if e.type.startswith(("station.", "session."))]
    # Every station and session event was published before the disconnect was (a status
    # change the station sent as it closed may come after the listener stopped).
    assert {e.id for e in mine} <= set(ids)
    assert [e.type for e in mine] == [
        "station.connected",
        "station.booted",
        "session.started",
        "session.updated",
        "session.ended",
        "station.disconnected",
    ]
    assert all(e.station_id == "CP-1" for e in mine)
    connected, booted, started, updated, ended, _ = mine
    assert connected.data["ocpp_version"] == version
    assert booted.data["status"] == "Accepted" and booted.data["vendor"]
    assert started.data["transaction_id"] == tx
    assert started.data["evse_id"] == 1 and started.data["id_token"] == "TAG-1"
    assert started.data["started_at"] == T0.isoformat()
    session_id = started.data["session_id"]
    assert updated.data["session_id"] == ended.data["session_id"] == session_id
    assert updated.data["energy_wh"] == "1000"
    assert updated.data["meter_wh"] == "2000"
    assert ended.data["energy_wh"] == "2500"
    assert ended.data["stopped_at"] == (T0 + timedelta(minutes=20)).isoformat()
    published = await running.container.database.read(
        lambda uow: uow.connection.exec_driver_sql(
            "SELECT count(*) FROM outbox_events WHERE published_at IS NULL"
        ).scalar_one()
    )
    assert published == 0


async def test_a_resent_stop_emits_no_second_session_ended(running: Running) -> None:
    await running.container.authorization.add_token("TAG-1")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    tx = await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0)
    payload = {
        "transactionId": int(tx),
        "meterStop": 500,
        "timestamp": (T0 + timedelta(minutes=5)).isoformat(),
    }
    await station.call("StopTransaction", payload)
    await station.call("StopTransaction", payload)
    await station.close()
    ended = [e for e in await _stored(running) if e.type == "session.ended"]
    assert len(ended) == 1


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_session_updated_comes_at_most_once_per_ten_seconds_of_station_time(
    running: Running, version: str
) -> None:
    await running.container.authorization.add_token("TAG-1")
    station = running.station("CP-1", version)
    await station.connect()
    await station.boot()
    await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0)
    # The start's reading opens the window [T0, T0 + 10 s): +1 s and +4 s fall in it; +12 s opens
    # the next, +12.5 s falls in that one; +25 s opens a third.
    for offset, wh in ((1, 100), (4, 400), (12, 1200), (12.5, 1250), (25, 2500)):
        await station.meter(1, wh, 11000, T0 + timedelta(seconds=offset))
    await station.close()
    updated = [e for e in await _stored(running) if e.type == "session.updated"]
    assert [e.data["meter_wh"] for e in updated] == ["1200", "2500"]
    assert updated[0].data["sampled_at"] == (T0 + timedelta(seconds=12)).isoformat()
    # The session itself counted every reading.
    [session] = (await running.container.queries.sessions(station_id="CP-1"))[0]
    assert session.energy_wh == 2500
