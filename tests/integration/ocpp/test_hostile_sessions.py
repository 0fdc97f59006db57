"""Sessions a station cannot be trusted with, through real stations and the HTTP API.

Negative registers, implausible station times, two sessions on one connector, another
station's transactionId and missing 2.0.1 seqNos: the station's data is kept, the session is
flagged where an operator sees it (GET /api/v1/sessions/{id}), and what a station must not do
unseen is a security event.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.sessions.plausibility import sequence_gaps
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import Running


@dataclass
class Live:
    running: Running
    api: httpx.AsyncClient

    async def station(self, station_id: str, version: str) -> SimStation:
        station = self.running.station(station_id, version)
        await station.connect()
        await station.boot()
        return station

    async def session(self, session_id: int | str) -> dict[str, Any]:
        response = await self.api.get(f"/api/v1/sessions/{session_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def by_transaction(self, station_id: str, transaction_id: str) -> dict[str, Any]:
        response = await self.api.get("/api/v1/sessions", params={"station_id": station_id})
        found = [s for s in response.json()["items"] if s["transaction_id"] == transaction_id]
        assert len(found) == 1, response.text
        session: dict[str, Any] = found[0]
        return session

    async def security(self, kind: str) -> list[dict[str, Any]]:
        events = await self.running.container.queries.security_events(limit=200)
        return [e for e in events if e["kind"] == kind]


async def _live(container: Container) -> AsyncIterator[Live]:
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1", "CP-2")
        await container.authorization.add_token("TAG-1")
        key = await container.api_keys.create("viewer")
        async with serving_api(container) as url:
            headers = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as api:
                yield Live(running, api)
    finally:
        await gateway.stop()


@pytest.fixture
async def live(container: Container) -> AsyncIterator[Live]:
    async for value in _live(container):
        yield value


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def _start_16(station: SimStation, connector: int, meter: int, at: datetime) -> int:
    payload = {
        "connectorId": connector,
        "idTag": "TAG-1",
        "meterStart": meter,
        "timestamp": _iso(at),
    }
    return int((await station.call("StartTransaction", payload))["transactionId"])


async def _stop_16(station: SimStation, tx: int, meter: int, at: datetime) -> None:
    payload = {"transactionId": tx, "meterStop": meter, "timestamp": _iso(at), "reason": "Local"}
    await station.call("StopTransaction", payload)


async def _meter_16(station: SimStation, tx: int, wh: int, at: datetime) -> None:
    value = {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
    payload = {
        "connectorId": 1,
        "transactionId": tx,
        "meterValue": [{"timestamp": _iso(at), "sampledValue": [value]}],
    }
    await station.call("MeterValues", payload)


def _tx_event(tx: str, seq: int, kind: str, at: datetime, evse: int = 1) -> dict[str, Any]:
    trigger = {"Started": "Authorized", "Updated": "MeterValuePeriodic", "Ended": "StopAuthorized"}
    payload: dict[str, Any] = {
        "eventType": kind,
        "timestamp": _iso(at),
        "triggerReason": trigger[kind],
        "seqNo": seq,
        "transactionInfo": {"transactionId": tx},
    }
    if kind == "Started":
        payload["evse"] = {"id": evse, "connectorId": 1}
        payload["idToken"] = {"idToken": "TAG-1", "type": "ISO14443"}
    return payload


# --- negative registers ------------------------------------------------------------------------


async def test_negative_meter_start_is_flagged_and_never_billed(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    start = _now() - timedelta(hours=1)
    tx = await _start_16(station, 1, -1000, start)
    await _meter_16(station, tx, 5000, start + timedelta(minutes=30))
    await _stop_16(station, tx, 8000, start + timedelta(minutes=50))
    await station.close()

    session = await live.session(tx)
    assert session["energy_wh"] == 0
    assert session["review_required"] is True
    assert "negative_value" in session["anomalies"]
    assert session["meter_start_wh"] == -1000  # what the station said is kept


# --- implausible times -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "anomaly"),
    [
        (timedelta(hours=3), "time_ahead_of_clock"),
        (timedelta(days=365 * 20), "time_ahead_of_clock"),
        (datetime(1970, 1, 1, tzinfo=UTC), "time_before_registration"),
        (datetime(2023, 6, 1, tzinfo=UTC), "time_before_registration"),  # registered 2024
    ],
)
async def test_implausible_start_time_is_kept_flagged_and_a_security_event(
    live: Live, offset: timedelta | datetime, anomaly: str
) -> None:
    station = await live.station("CP-1", "1.6")
    at = offset if isinstance(offset, datetime) else _now() + offset
    tx = await _start_16(station, 1, 0, at)
    await station.close()

    session = await live.session(tx)
    assert datetime.fromisoformat(session["started_at"]) == at  # station time stays the truth
    assert session["review_required"] is True
    assert anomaly in session["anomalies"]
    events = await live.security("implausible_time")
    assert len(events) == 1 and events[0]["station_id"] == "CP-1"
    assert anomaly in events[0]["detail"]


async def test_a_reading_dated_far_ahead_flags_the_session_for_review(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    start = _now() - timedelta(hours=1)
    tx = await _start_16(station, 1, 0, start)
    # 10 MWh is a plausible jump over 70 years: only the time gives it away.
    await _meter_16(station, tx, 10_000_000, datetime(2099, 1, 1, tzinfo=UTC))
    await _stop_16(station, tx, 1000, _now())
    await station.close()

    session = await live.session(tx)
    assert session["review_required"] is True
    assert "time_ahead_of_clock" in session["anomalies"]
    assert len(await live.security("implausible_time")) == 1


async def test_plausible_late_times_are_not_flagged(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    start = _now() - timedelta(days=3)  # an offline queue, days late, after registration
    tx = await _start_16(station, 1, 1000, start)
    await _stop_16(station, tx, 3000, start + timedelta(hours=1))
    await station.close()

    session = await live.session(tx)
    assert (session["review_required"], session["anomalies"]) == (False, [])
    assert session["energy_wh"] == 2000
    assert await live.security("implausible_time") == []


async def test_implausible_event_time_flags_a_201_session(live: Live) -> None:
    station = await live.station("CP-1", "2.0.1")
    now = _now()
    await station.call("TransactionEvent", _tx_event("tx-late", 0, "Started", now))
    ahead = _tx_event("tx-late", 1, "Updated", now + timedelta(hours=5))
    await station.call("TransactionEvent", ahead)
    await station.close()

    session = await live.by_transaction("CP-1", "tx-late")
    assert "time_ahead_of_clock" in session["anomalies"]
    assert len(await live.security("implausible_time")) == 1


# --- one session per connector / EVSE ----------------------------------------------------------


async def test_a_new_start_on_a_busy_connector_closes_the_older_session(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    first_start = _now() - timedelta(hours=2)
    second_start = _now() - timedelta(hours=1)
    first = await _start_16(station, 1, 1000, first_start)
    second = await _start_16(station, 1, 5000, second_start)
    other = await _start_16(station, 2, 0, second_start)  # another connector: untouched

    older = await live.session(first)
    assert older["status"] == "Completed"
    assert older["stop_reason"] == "Superseded"
    assert datetime.fromisoformat(older["stopped_at"]) == second_start
    assert "superseded" in older["anomalies"] and older["review_required"]
    assert (await live.session(second))["status"] == "Active"
    assert (await live.session(other))["status"] == "Active"

    # The older session's own stop arriving late (offline queue) still counts.
    await _stop_16(station, first, 4000, first_start + timedelta(minutes=40))
    await station.close()
    older = await live.session(first)
    assert datetime.fromisoformat(older["stopped_at"]) == first_start + timedelta(minutes=40)
    assert older["meter_stop_wh"] == 4000
    assert older["energy_wh"] == 3000


async def test_a_new_transaction_on_a_busy_evse_closes_the_older_one_201(live: Live) -> None:
    station = await live.station("CP-1", "2.0.1")
    now = _now()
    await station.call(
        "TransactionEvent", _tx_event("tx-a", 0, "Started", now - timedelta(hours=1))
    )
    await station.call("TransactionEvent", _tx_event("tx-b", 0, "Started", now))
    await station.close()

    older = await live.by_transaction("CP-1", "tx-a")
    assert (older["status"], older["stop_reason"]) == ("Completed", "Superseded")
    assert "superseded" in older["anomalies"]
    assert (await live.by_transaction("CP-1", "tx-b"))["status"] == "Active"


# --- another station's transactionId -----------------------------------------------------------


async def test_another_stations_transaction_id_is_a_security_event_and_hijacks_nothing(
    live: Live,
) -> None:
    owner = await live.station("CP-1", "2.0.1")
    intruder = await live.station("CP-2", "2.0.1")
    now = _now()
    await owner.call("TransactionEvent", _tx_event("shared-tx", 0, "Started", now))
    await intruder.call("TransactionEvent", _tx_event("shared-tx", 0, "Started", now))
    await intruder.call("TransactionEvent", _tx_event("shared-tx", 1, "Ended", now))
    await owner.close()
    await intruder.close()

    owners = await live.by_transaction("CP-1", "shared-tx")
    assert (owners["status"], owners["anomalies"]) == ("Active", [])
    theirs = await live.by_transaction("CP-2", "shared-tx")
    assert theirs["id"] != owners["id"]
    assert "transaction_id_collision" in theirs["anomalies"]
    events = await live.security("transaction_id_collision")
    assert len(events) == 1
    assert events[0]["station_id"] == "CP-2" and "CP-1" in events[0]["detail"]


async def test_the_same_transaction_id_after_the_other_session_ended_is_no_collision(
    live: Live,
) -> None:
    one = await live.station("CP-1", "2.0.1")
    two = await live.station("CP-2", "2.0.1")
    now = _now()
    await one.call("TransactionEvent", _tx_event("1", 0, "Started", now))
    await one.call("TransactionEvent", _tx_event("1", 1, "Ended", now))
    await two.call("TransactionEvent", _tx_event("1", 0, "Started", now))  # counters restart
    await one.close()
    await two.close()
    assert await live.security("transaction_id_collision") == []


# --- missing seqNos ----------------------------------------------------------------------------


async def test_an_ended_session_with_missing_seq_nos_is_incomplete_until_they_arrive(
    live: Live,
) -> None:
    station = await live.station("CP-1", "2.0.1")
    now = _now() - timedelta(minutes=10)
    await station.call("TransactionEvent", _tx_event("tx-gap", 0, "Started", now))
    await station.call("TransactionEvent", _tx_event("tx-gap", 3, "Ended", now))

    session = await live.by_transaction("CP-1", "tx-gap")
    assert session["status"] == "Completed"
    assert session["incomplete"] is True and session["incomplete_since"] is not None

    await station.call("TransactionEvent", _tx_event("tx-gap", 2, "Updated", now))
    assert (await live.by_transaction("CP-1", "tx-gap"))["incomplete"] is True
    await station.call("TransactionEvent", _tx_event("tx-gap", 1, "Updated", now))
    await station.close()
    session = await live.by_transaction("CP-1", "tx-gap")
    assert (session["incomplete"], session["incomplete_since"], session["anomalies"]) == (
        False,
        None,
        [],
    )


@pytest.mark.parametrize(
    "seq_nos",
    [
        [0, 1, 2, 3],  # in order: never incomplete
        [0, 1, 1, 2],  # a re-sent event changes nothing
        [0, 2, 1, 3],  # a jump, filled by the late one
        [0, 1, 4, 2, 3, 5],  # a wider jump, filled in two steps
        [2, 0, 1],  # the first event received is not the first sent
        [1, 0, 3, 2],  # gaps opened and filled from both ends
    ],
)
async def test_a_session_is_incomplete_exactly_while_a_seq_no_below_its_highest_is_missing(
    live: Live, seq_nos: list[int]
) -> None:
    station = await live.station("CP-1", "2.0.1")
    now = _now() - timedelta(minutes=10)
    seen: set[int] = set()
    for n, seq in enumerate(seq_nos):
        kind = "Started" if n == 0 else "Updated"
        await station.call("TransactionEvent", _tx_event("tx-seq", seq, kind, now))
        seen.add(seq)
        session = await live.by_transaction("CP-1", "tx-seq")
        assert session["incomplete"] is bool(sequence_gaps(seen)), (seq_nos[: n + 1], session)
    await station.close()


async def test_a_gap_that_never_fills_is_flagged_missing_events_after_the_timeout(
    database_url: str,
) -> None:
    settings = Settings(
        database_url=database_url, sequence_gap_timeout=0.3, sequence_gap_interval=0.1
    )
    container = build(settings)
    try:
        async for live in _live(container):
            station = await live.station("CP-1", "2.0.1")
            now = _now()
            await station.call("TransactionEvent", _tx_event("tx-lost", 1, "Updated", now))
            await station.call("TransactionEvent", _tx_event("tx-lost", 2, "Ended", now))
            await station.close()
            assert (await live.by_transaction("CP-1", "tx-lost"))["incomplete"] is True
            sweeper = asyncio.create_task(container.sessions.run_gap_timeouts())
            try:
                for _ in range(100):
                    session = await live.by_transaction("CP-1", "tx-lost")
                    if not session["incomplete"]:
                        break
                    await asyncio.sleep(0.05)
            finally:
                sweeper.cancel()
            assert session["incomplete"] is False
            assert "missing_events" in session["anomalies"] and session["review_required"]
    finally:
        await container.aclose()
