"""Outbound CALLs to stations, and storage failures answered with a CALLERROR (no ack)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from laddnet.domain.errors import UnknownStation
from laddnet.ocpp.rpc import CallRejected, CallTimeout
from laddnet.sim.frames import CallErrorReceived
from tests.integration.ocpp.conftest import Running


async def test_call_reaches_the_station_and_returns_its_answer(running: Running) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    answer = await running.gateway.call("CP-1", "Reset", {"type": "Soft"})
    assert answer == {"status": "Accepted"}
    # By action: the configuration read after boot may reach the station before or after it.
    assert [call for call in station.received_calls if call[0] == "Reset"] == [
        ("Reset", {"type": "Soft"})
    ]
    await station.close()


async def test_calls_are_sent_one_at_a_time(running: Running) -> None:
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    answers = await asyncio.gather(
        # ClearCache: a station reboots on Reset, and this is about the gateway's queue.
        *(running.gateway.call("CP-1", "ClearCache", {}) for _ in range(5))
    )
    assert all(a["status"] == "Accepted" for a in answers)
    assert [name for name, _ in station.received_calls].count("ClearCache") == 5
    await station.close()


async def test_silent_station_times_out(running: Running) -> None:
    station = running.station("CP-1", "1.6", auto_answer=False)
    await station.connect()
    await station.boot()
    with pytest.raises(CallTimeout):
        await running.gateway.call("CP-1", "Reset", {"type": "Hard"}, timeout=0.3)
    await station.close()


async def test_invalid_outbound_payload_is_refused_before_sending(running: Running) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    with pytest.raises(Exception, match="type"):
        await running.gateway.call("CP-1", "Reset", {"type": "Sideways"})
    assert not [call for call in station.received_calls if call[0] == "Reset"]
    await station.close()


async def test_call_to_an_absent_station_fails(running: Running) -> None:
    with pytest.raises(UnknownStation):
        await running.gateway.call("CP-2", "Reset", {"type": "Hard"})


async def test_station_callerror_is_raised(running: Running) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    with pytest.raises(CallRejected) as rejected:
        await running.gateway.call(
            "CP-1", "GetCompositeSchedule", {"connectorId": 1, "duration": 60}
        )
    assert rejected.value.code == "NotImplemented"
    await station.close()


async def test_storage_failure_gets_internal_error_and_the_retry_is_stored(
    running: Running,
) -> None:
    await running.container.authorization.add_token("TAG-1")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    payload = {
        "connectorId": 1,
        "idTag": "TAG-1",
        "meterStart": 0,
        "timestamp": "2026-11-02T08:00:00Z",
    }
    engine = running.container.engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE sessions RENAME TO sessions_away"))
    try:
        with pytest.raises(CallErrorReceived) as error:
            await station.call("StartTransaction", payload)
        assert error.value.code == "InternalError"
        assert error.value.description == ""  # no internals reach the station
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE sessions_away RENAME TO sessions"))
    answer = await station.call("StartTransaction", payload)
    assert answer["transactionId"] > 0
    _, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    await station.close()
