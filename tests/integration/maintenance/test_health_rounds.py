"""Health is scored in rounds (`LADDNET_HEALTH_INTERVAL`): a station's burst of events costs one
scoring, and the events of a round still to come are kept, not lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched


@pytest.fixture
def watched_settings() -> dict[str, Any]:
    return {"health_interval": 3600}


async def test_a_burst_of_boots_waits_for_the_next_health_round(
    watched: Watched,
) -> None:
    monitor = watched.container.maintenance.monitor
    rules = {"rules": {"health_min_score": 95, "recovery_soft_reset": False}}
    assert (await watched.live.api.put("/api/v1/alert-rules", json=rules)).status_code == 200
    station = await watched.live.station("CP-3", "2.0.1")

    async def pending() -> bool:
        return "CP-3" in monitor.health_pending

    for _ in range(11):
        await station.boot()
    await eventually(pending)
    # The first round comes an hour after start (not in a restart's boot storm): the boots wait.
    assert monitor.health_rounds == 0
    assert await watched.alerts(kind="health_low") == []

    async def alerted() -> list[dict[str, Any]] | None:
        await monitor.score_health()  # the round, now (the boots reach the monitor in turn)
        return await watched.alerts(status="open", kind="health_low") or None

    [alert] = await eventually(alerted)
    assert monitor.health_rounds >= 1

    async def drained() -> bool:
        # Boots still reaching the monitor after the alerting round wait for the next one.
        await monitor.score_health()
        return "CP-3" not in monitor.health_pending

    await eventually(drained)
    assert alert["station_id"] == "CP-3"
    assert alert["details"]["reasons"][0].endswith("reboots in 7 days")
    await station.close()
