"""The key guarantee: a server crash mid-session loses nothing and duplicates nothing.

`laddnet serve` is SIGKILLed while a station charges, one message still in flight. The station
queues what it cannot deliver, reconnects when the server is back on the same database, and
the API then shows each session exactly once, completed, with the station's times and energy.
Runs on SQLite and on PostgreSQL (the `database_url` fixture of tests/conftest.py).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from tests.e2e.conftest import PASSWORD, Laddnet, LossyLink, Servers, Stations
from tests.integration.ocpp.conftest import registered_long_ago

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TAG = "E2E-TAG-1"
VERSIONS = {"CP-16": "1.6", "CP-201": "2.0.1"}  # station id -> OCPP version
ENERGY = "Energy.Active.Import.Register"


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def laddnet(tmp_path: Path, database_url: str) -> Laddnet:
    """This module's installation: a migrated database on each backend."""
    return Laddnet(tmp_path, database_url)


async def _seed(database_url: str) -> str:
    """The stations, an id token and an admin API key; returns the key."""
    container = build(Settings(database_url=database_url))
    try:
        for station_id in VERSIONS:
            await container.stations.add_station(StationId(station_id), PASSWORD)
        registered_long_ago(container, *VERSIONS)  # they send 2026-03 station times
        await container.authorization.add_token(TAG)
        return await container.api_keys.create("admin")
    finally:
        await container.aclose()


async def _sessions_and_samples(
    laddnet: Laddnet, key: str, station_id: str
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every session of a station with its meter samples, through the HTTP API."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=laddnet.api_url, headers=headers, timeout=5) as http:
        page = await http.get("/api/v1/sessions", params={"station_id": station_id})
        assert page.status_code == 200, page.text
        assert page.json()["total"] == len(page.json()["items"])
        found = []
        for session in page.json()["items"]:
            samples = await http.get(f"/api/v1/sessions/{session['id']}/meter-values")
            assert samples.status_code == 200, samples.text
            found.append((session, samples.json()))
    return found


async def _wait_until_stored(
    laddnet: Laddnet, key: str, station_ids: list[str], sampled_at: datetime
) -> None:
    """Poll the API (bounded) until every station has an energy sample taken at `sampled_at`."""
    async with asyncio.timeout(10):
        while True:
            stored = [
                sampled_at.isoformat() in _periodic_energy_times(samples)
                for station_id in station_ids
                for _, samples in await _sessions_and_samples(laddnet, key, station_id)
            ]
            if stored.count(True) == len(station_ids):
                return
            await asyncio.sleep(0.05)


def _periodic_energy_times(samples: list[dict[str, Any]]) -> list[str]:
    return sorted(
        s["sampled_at"]
        for s in samples
        if s["measurand"] == ENERGY and s["context"] == "Sample.Periodic" and s["phase"] is None
    )


async def test_sessions_survive_a_server_crash_exactly_once(
    laddnet: Laddnet,
    servers: Servers,
    stations: Stations,
    lossy_link: LossyLink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="laddnet.sim")  # e.g. "dropping ... after CALLERRORs"
    key = await _seed(laddnet.database_url)
    server = await servers.start(laddnet)
    sims = [stations(sid, version, lossy_link.url) for sid, version in VERSIONS.items()]
    tx1: dict[str, str] = {}
    for station in sims:
        await station.connect()
        assert (await station.boot())["status"] == "Accepted"
        # EVSE 1 charges, one meter value acknowledged.
        await station.status(1, "Preparing", minutes(0))
        tx1[station.version] = await station.start_session(
            1, TAG, meter_start_wh=10_000, timestamp=minutes(0)
        )
        assert tx1[station.version]
        assert await station.meter(1, 11_000, 7_000, minutes(5)) is not None

    # The worst moment to crash: the server has stored a meter value but its answer is lost, so
    # the station will send that value again after the restart. It must be stored once.
    lossy_link.lose_answers = True
    in_flight = [asyncio.create_task(s.meter(1, 12_000, 7_000, minutes(10))) for s in sims]
    await _wait_until_stored(laddnet, key, [s.station_id for s in sims], minutes(10))
    await server.kill()
    assert await asyncio.gather(*in_flight) == [None, None]  # unanswered: still queued
    lossy_link.lose_answers = False

    # While the server is down the stations queue: EVSE 1 meters, EVSE 2 starts a session.
    for station in sims:
        assert not station.connected
        assert await station.meter(1, 13_000, 7_000, minutes(15)) is None
        queued = await station.start_session(2, TAG, meter_start_wh=500, timestamp=minutes(16))
        # 1.6: the CSMS's transactionId is not known yet; 2.0.1: the station's own id
        assert queued == ("" if station.version == "1.6" else station.evses[2].transaction_id)
        assert await station.meter(2, 1_500, 7_000, minutes(17)) is None
        assert station.pending_transaction_messages == 4

    # Back on the same database and ports; the stations reconnect and deliver their queues.
    await servers.start(laddnet)
    tx2: dict[str, str | None] = {}
    for station in sims:
        await station.reconnect()
        assert station.pending_transaction_messages == 0
        tx2[station.version] = station.transaction_id(2)
        assert await station.meter(1, 14_000, 7_000, minutes(20)) is not None
        assert await station.stop_session(1, 15_000, timestamp=minutes(25)) is not None
        assert await station.stop_session(2, 2_000, timestamp=minutes(26)) is not None
        assert station.pending_transaction_messages == 0
    # Every resent message was acknowledged: none refused with a CALLERROR and dropped.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("laddnet.sim")] == []

    for station_id, version in VERSIONS.items():
        found = await _sessions_and_samples(laddnet, key, station_id)
        by_evse = {session["evse_id"]: (session, samples) for session, samples in found}
        assert len(found) == 2 and set(by_evse) == {1, 2}, found

        session, samples = by_evse[1]
        assert session["transaction_id"] == tx1[version]
        assert session["status"] == "Completed"
        assert session["started_at"] == minutes(0).isoformat()
        assert session["stopped_at"] == minutes(25).isoformat()
        if version == "1.6":  # meterStart/meterStop are 1.6 fields; 2.0.1 sends register readings
            assert (session["meter_start_wh"], session["meter_stop_wh"]) == (10_000, 15_000)
        assert session["energy_wh"] == 5_000
        assert session["review_required"] is False, session["anomalies"]
        assert _periodic_energy_times(samples) == [minutes(m).isoformat() for m in (5, 10, 15, 20)]

        session, samples = by_evse[2]
        assert tx2[version] not in (None, tx1[version])
        assert session["transaction_id"] == tx2[version]
        assert session["status"] == "Completed"
        assert session["started_at"] == minutes(16).isoformat()
        assert session["stopped_at"] == minutes(26).isoformat()
        assert session["energy_wh"] == 1_500
        assert session["review_required"] is False, session["anomalies"]
        assert _periodic_energy_times(samples) == [minutes(17).isoformat()]
