"""Security events published through the outbox, and the `security_critical` alert they open:
a real station of each version reporting a tamper sensor, and a station id whose password is
guessed until its logins are throttled, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched

VERSIONS = pytest.mark.parametrize("version", ["1.6", "2.0.1"])
LIMIT = 3


@pytest.fixture
def watched_settings() -> dict[str, Any]:
    return {
        "login_failure_limit": LIMIT,
        "login_failure_limit_per_address": 100,
        "login_failure_window": 600,
    }


async def _report(station: Any, kind: str) -> None:
    """SecurityEventNotification: the same shape in 2.0.1 and the 1.6 security extension."""
    now = station.now().isoformat()
    assert await station.call("SecurityEventNotification", {"type": kind, "timestamp": now}) == {}


async def _security_alerts(watched: Watched, station_id: str, status: str) -> list[dict[str, Any]]:
    return await watched.alerts(status=status, station_id=station_id, kind="security_critical")


@VERSIONS
async def test_a_tamper_report_is_published_and_opens_one_alert_until_quiet(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-1", version)
    await _report(station, "StartupOfTheDevice")  # information only
    await _report(station, "TamperDetectionActivated")

    async def published() -> list[dict[str, Any]] | None:
        found = await watched.events("security_event.recorded", "CP-1")
        return [e.data for e in found] if len(found) >= 2 else None

    recorded = await eventually(published)
    assert [(d["type"], d["severity"]) for d in recorded] == [
        ("StartupOfTheDevice", "info"),
        ("TamperDetectionActivated", "critical"),
    ]
    assert "remote_address" not in recorded[1]

    async def opened() -> list[dict[str, Any]] | None:
        found = await _security_alerts(watched, "CP-1", "open")
        return found or None

    alerts = await eventually(opened)
    assert [(a["severity"], a["evse_id"], a["details"]["events"]) for a in alerts] == [
        ("critical", 0, 1)
    ]
    assert alerts[0]["details"]["causes"] == ["TamperDetectionActivated"]

    # The same cause again: counted on the open alert, no second one.
    await _report(station, "TamperDetectionActivated")
    await _report(station, "SecurityLogWasCleared")

    async def counted() -> list[dict[str, Any]] | None:
        found = await _security_alerts(watched, "CP-1", "open")
        return found if found and found[0]["details"]["events"] == 3 else None

    alerts = await eventually(counted)
    assert len(alerts) == 1
    assert alerts[0]["details"]["causes"] == ["TamperDetectionActivated", "SecurityLogWasCleared"]
    opened_events = await watched.events("alert.opened", "CP-1")
    assert [e.data["kind"] for e in opened_events] == ["security_critical"]

    watched.clock.shift += timedelta(minutes=30)
    await watched.tick()  # not quiet long enough yet
    assert len(await _security_alerts(watched, "CP-1", "open")) == 1
    watched.clock.shift += timedelta(minutes=31)
    await watched.tick()
    closed = await _security_alerts(watched, "CP-1", "closed")
    assert [a["close_reason"] for a in closed] == ["quiet"]
    assert await _security_alerts(watched, "CP-1", "open") == []
    await station.close()


async def _login(watched: Watched, station_id: str, password: str) -> int:
    token = base64.b64encode(f"{station_id}:{password}".encode()).decode()
    try:
        ws = await connect(
            f"{watched.live.ocpp_url}/{station_id}",
            additional_headers={"Authorization": f"Basic {token}"},
            subprotocols=[Subprotocol("ocpp1.6")],
            proxy=None,
        )
    except InvalidStatus as refused:
        return refused.response.status_code
    await ws.close()
    return 101


async def test_guessed_logins_open_an_alert_closed_by_hand(watched: Watched) -> None:
    statuses = [await _login(watched, "CP-2", f"wrong-{i}") for i in range(LIMIT + 1)]
    assert statuses[:LIMIT] == [401] * LIMIT
    assert statuses[LIMIT] == 429

    async def opened() -> list[dict[str, Any]] | None:
        found = await _security_alerts(watched, "CP-2", "open")
        return found or None

    alerts = await eventually(opened)
    assert alerts[0]["details"]["causes"] == ["login_throttled"]
    bad = await watched.events("security_event.recorded", "CP-2")
    assert {e.data["kind"]: e.data["severity"] for e in bad} == {
        "bad_credentials": "warning",
        "login_throttled": "critical",
    }

    # A viewer may not close alerts.
    viewer = watched.live.viewer
    refused = await viewer.post(f"/api/v1/alerts/{alerts[0]['id']}/close", json={"reason": "x"})
    assert refused.status_code == 403
    answer = await watched.live.api.post(
        f"/api/v1/alerts/{alerts[0]['id']}/close", json={"reason": "our pen test"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["closed_at"] is not None
    assert body["close_reason"].endswith("our pen test")
    assert await _security_alerts(watched, "CP-2", "open") == []
    missing = await watched.live.api.post("/api/v1/alerts/999999/close", json={})
    assert missing.status_code == 404


async def test_the_rule_can_be_switched_off(watched: Watched) -> None:
    await watched.container.maintenance.set_rules(
        None, {"security_critical": False, "recovery_soft_reset": False, "health_min_score": 0}, "t"
    )
    station = await watched.live.station("CP-3", "2.0.1")
    await _report(station, "TamperDetectionActivated")

    async def published() -> bool:
        return bool(await watched.events("security_event.recorded", "CP-3"))

    await eventually(published)
    await watched.tick()
    assert await _security_alerts(watched, "CP-3", "open") == []
    await station.close()
