"""Automatic recovery with real stations: a soft reset clears a fault, a hard reset follows
if it does not, never while charging, never beyond the day's attempts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched


async def _rules(watched: Watched, **rules: object) -> None:
    rules = {"health_min_score": 0, **rules}  # these tests are about resets
    answer = await watched.live.api.put("/api/v1/alert-rules", json={"rules": rules})
    assert answer.status_code == 200, answer.text


async def _faulted_alert(watched: Watched, station_id: str) -> None:
    await watched.becomes(station_id, "needs_maintenance", evse=1)
    watched.clock.shift += timedelta(minutes=6)
    await watched.tick()


async def _recovery(watched: Watched, station_id: str) -> list[dict[str, Any]]:
    [alert] = await watched.alerts(station_id=station_id, kind="connector_faulted")
    steps: list[dict[str, Any]] = alert["recovery"]
    return steps


async def _answered(watched: Watched, station_id: str, count: int) -> list[dict[str, Any]]:
    """The alert's steps once `count` of them have their answers (the monitor's own round may
    have taken a step and still wait for the station)."""

    async def probe() -> list[dict[str, Any]] | None:
        steps = await _recovery(watched, station_id)
        done = [s for s in steps if s["status"] is not None or s["error"] is not None]
        return steps if len(done) >= count else None

    return await eventually(probe)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_soft_reset_clears_a_fault(watched: Watched, version: str) -> None:
    await _rules(watched, recovery_soft_reset=True)
    station = await watched.live.station("CP-1", version)
    await station.status(1, "Faulted")
    await _faulted_alert(watched, "CP-1")  # the alert opens and its first step is taken

    [step] = await _answered(watched, "CP-1", 1)
    assert (step["step"], step["action"], step["status"], step["cleared"]) == (
        0,
        "soft_reset",
        "Accepted",
        None,
    )
    reset = {"type": "Soft"} if version == "1.6" else {"type": "OnIdle"}
    assert ("Reset", reset) in station.received_calls
    log = (await watched.live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert (log["name"], log["sent_by"], log["id"]) == (
        "reset",
        "laddnet:recovery",
        step["command_id"],
    )

    # The station reboots and reports its connectors Available: the alert closes, the step
    # is marked as having cleared it; no ticket ever opened (recovery had not failed).
    assert (await watched.live.api.get("/api/v1/tickets")).json()["items"] == []
    await watched.becomes("CP-1", "available", evse=1)

    async def closed() -> list[dict[str, Any]] | None:
        await watched.tick()
        return await watched.alerts(status="closed", kind="connector_faulted") or None

    [alert] = await eventually(closed)
    assert alert["recovery"][0]["cleared"] is True
    assert (await watched.live.api.get("/api/v1/tickets")).json()["items"] == []
    await station.close()


async def test_a_hard_reset_follows_when_the_fault_stays_within_the_days_attempts(
    watched: Watched,
) -> None:
    await _rules(
        watched,
        recovery_soft_reset=True,
        recovery_hard_reset=True,
        recovery_hard_reset_after_minutes=10,
        recovery_attempts_per_day=2,
    )
    station = await watched.live.station("CP-2", "1.6")
    station.faulted_after_reboot.add(1)  # a fault no reset clears
    await station.status(1, "Faulted")
    await _faulted_alert(watched, "CP-2")
    await eventually(lambda: _rebooted(station, 1))
    await watched.tick()  # the hard reset is not due yet
    assert len(await _recovery(watched, "CP-2")) == 1
    assert await _tickets(watched) == []  # recovery has not failed yet (faults only)
    watched.clock.shift += timedelta(minutes=11)
    await watched.tick()
    soft, hard = await _answered(watched, "CP-2", 2)
    assert (soft["cleared"], hard["action"], hard["status"]) == (False, "hard_reset", "Accepted")
    assert ("Reset", {"type": "Hard"}) in station.received_calls
    await eventually(lambda: _rebooted(station, 2))
    watched.clock.shift += timedelta(minutes=11)
    await watched.tick()  # every step taken: a technician's turn (the ticket)
    assert len(await _recovery(watched, "CP-2")) == 2
    [ticket] = await _tickets(watched)  # (its reboots may be a boot loop: another cause)
    assert (ticket["station_id"], ticket["cause"], ticket["status"]) == (
        "CP-2",
        "connector_faulted",
        "open",
    )
    await watched.tick()  # one ticket per station and cause
    assert len(await _tickets(watched)) == 1
    await station.close()


async def _rebooted(station: Any, times: int) -> bool:
    return sum(1 for c in station.received_calls if c[0] == "Reset") >= times and bool(
        station.connected
    )


async def test_no_reset_while_a_session_runs(watched: Watched) -> None:
    await _rules(watched, recovery_soft_reset=True)
    await watched.container.authorization.add_token("TAG-1")
    station = await watched.live.station("CP-3", "2.0.1")
    await station.start_session(2, "TAG-1", meter_start_wh=1000)
    await station.status(1, "Faulted")
    await _faulted_alert(watched, "CP-3")
    await watched.tick()
    assert await _recovery(watched, "CP-3") == []
    assert not any(c[0] == "Reset" for c in station.received_calls)
    await station.stop_session(2, 5000)

    async def reset() -> bool:
        await watched.tick()
        return bool(await _recovery(watched, "CP-3"))

    await eventually(reset)  # once the session has ended
    await station.close()


async def test_the_days_attempts_are_a_limit(watched: Watched) -> None:
    await _rules(watched, recovery_soft_reset=True, recovery_attempts_per_day=0)
    station = await watched.live.station("CP-1", "1.6")
    await station.status(1, "Faulted")
    await _faulted_alert(watched, "CP-1")
    await watched.tick()
    assert await _recovery(watched, "CP-1") == []
    [ticket] = await _tickets(watched)  # no attempt left today: recovery has failed
    assert ticket["cause"] == "connector_faulted"
    await station.close()


async def _tickets(watched: Watched) -> list[dict[str, Any]]:
    """The tickets for connector faults."""
    answer = await watched.live.api.get("/api/v1/tickets")
    assert answer.status_code == 200, answer.text
    return [t for t in answer.json()["items"] if t["cause"] == "connector_faulted"]


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_silent_station_is_asked_for_a_heartbeat_which_clears_it(
    watched: Watched, version: str
) -> None:
    await _rules(watched, heartbeat_missing_minutes=30)
    station = await watched.live.station("CP-1", version)
    watched.clock.shift += timedelta(minutes=31)
    await watched.tick()  # the alert opens, then its first step: TriggerMessage Heartbeat

    async def asked() -> list[dict[str, Any]] | None:
        [alert] = await watched.alerts(station_id="CP-1", kind="heartbeat_missing")
        steps: list[dict[str, Any]] = alert["recovery"]
        return steps if steps and steps[0]["status"] is not None else None

    [step] = await eventually(asked)
    assert (step["action"], step["status"]) == ("trigger_message", "Accepted")
    triggered = [p for a, p in station.received_calls if a == "TriggerMessage"]
    assert triggered == [{"requestedMessage": "Heartbeat"}]
    # No ticket while recovery may still clear it.
    assert (await watched.live.api.get("/api/v1/tickets")).json()["items"] == []

    async def closed() -> list[dict[str, Any]] | None:  # the heartbeat came: it clears
        await watched.tick()
        return await watched.alerts(status="closed", kind="heartbeat_missing") or None

    [alert] = await eventually(closed)
    assert alert["recovery"][0]["cleared"] is True
    await station.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_connector_failing_sessions_is_unlocked_then_ticketed(
    watched: Watched, version: str
) -> None:
    await _rules(watched, recovery_failed_sessions_unlock=True)
    await watched.container.authorization.add_token("TAG-1")
    station = await watched.live.station("CP-2", version)
    t0 = station.now() - timedelta(hours=1)
    for n in range(3):  # three sessions in a row deliver nothing
        start = t0 + timedelta(minutes=10 * n)
        await station.start_session(2, "TAG-1", meter_start_wh=5000, timestamp=start)
        await station.stop_session(2, 5000, timestamp=start + timedelta(minutes=2))

    async def alerted() -> list[dict[str, object]] | None:
        return await watched.alerts(status="open", kind="failed_sessions") or None

    await eventually(alerted)
    await watched.tick()  # recovery runs after the timer's round

    async def unlocked() -> list[dict[str, Any]] | None:
        [alert] = await watched.alerts(station_id="CP-2", kind="failed_sessions")
        steps: list[dict[str, Any]] = alert["recovery"]
        return steps if steps and steps[0]["status"] is not None else None

    [step] = await eventually(unlocked)
    assert step["action"] == "unlock_connector"
    sent = [p for a, p in station.received_calls if a == "UnlockConnector"]
    expected = {"connectorId": 2} if version == "1.6" else {"evseId": 2, "connectorId": 1}
    assert sent == [expected]
    assert (await watched.live.api.get("/api/v1/tickets")).json()["items"] == []

    # Still failing after the grace (10 minutes), with no further step on: a ticket.
    watched.clock.shift += timedelta(minutes=11)
    await watched.tick()
    tickets = (await watched.live.api.get("/api/v1/tickets")).json()["items"]
    assert [(t["station_id"], t["cause"]) for t in tickets] == [("CP-2", "failed_sessions")]
    await station.close()
