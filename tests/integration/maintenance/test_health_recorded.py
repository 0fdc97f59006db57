"""The health score on recorded histories: simulator stations with injected faults play three
days in simulated time against a real server (both OCPP versions), and the scores the API
gives are those the faults should earn."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from laddnet.domain.ids import StationId
from laddnet.sim.faults import InjectedFaults, play
from laddnet.sim.station import SimStation
from tests.integration.commands.conftest import PASSWORD
from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched
from tests.integration.ocpp.conftest import registered_long_ago

FAULTS = {
    "CP-1": ("1.6", InjectedFaults()),
    "CP-2": ("2.0.1", InjectedFaults(failing_evse=1, fail_every=3)),
    "CP-3": ("1.6", InjectedFaults(power_share=0.5)),
    "CP-4": ("2.0.1", InjectedFaults(reboot_every=timedelta(hours=1))),
}


@pytest.fixture
def watched_settings() -> dict[str, Any]:
    """A station rebooting every simulated hour reconnects many times a real second: no
    connection-rate limit here."""
    return {"connection_rate_limit": 0}


async def _health(watched: Watched, station_id: str) -> dict[str, Any]:
    answer = await watched.live.api.get(f"/api/v1/stations/{station_id}/health")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def test_recorded_histories_with_injected_faults_are_scored(watched: Watched) -> None:
    await watched.container.stations.add_station(StationId("CP-4"), PASSWORD)
    registered_long_ago(watched.container, "CP-4")
    await watched.container.authorization.add_token("SIM-TAG")
    stations: list[SimStation] = []
    for station_id, (version, faults) in FAULTS.items():
        station = await watched.live.station(station_id, version)
        stations.append(station)
        start = station.now() - timedelta(days=3)
        await play(station, faults, start=start, days=3, rng=random.Random(station_id))

    async def scored() -> dict[str, dict[str, Any]] | None:
        found = {sid: await _health(watched, sid) for sid in FAULTS}
        # the monitor notes boots and lost connections after commit
        return found if found["CP-4"]["score"] <= 55 else None

    health = await eventually(scored, timeout=30)
    assert health["CP-1"]["score"] == 100, health["CP-1"]
    assert [c["score"] for c in health["CP-1"]["connectors"]] == [100, 100]

    failing = health["CP-2"]
    assert failing["score"] == 80
    assert failing["reasons"][0] == "EVSE 1 connector 1: 2 of 6 sessions delivered no energy"
    assert [(c["evse_id"], c["score"]) for c in failing["connectors"]] == [(1, 80), (2, 100)]

    half = health["CP-3"]
    assert half["score"] == 77
    assert half["reasons"][0].startswith("delivered 50 % of the power it offered")
    assert [c["score"] for c in half["connectors"]] == [77, 77]

    rebooting = health["CP-4"]
    assert rebooting["score"] == 55
    assert rebooting["reasons"][0] == "73 reboots in 7 days"
    # at least the 72 reconnects (a quick reconnect may also be noted by the timer's drift check)
    assert rebooting["reasons"][1].startswith("connection lost ")
    assert len(rebooting["reasons"]) == 2
    for station in stations:
        await station.close()
