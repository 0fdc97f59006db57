"""Commands that change what a real (simulated) station does, through the HTTP API, for 1.6J and
2.0.1: what went on the wire, the answer, and the effect Laddnet sees afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from laddnet.sim.station import SimStation
from tests.integration.commands.conftest import Live
from tests.integration.commands.helpers import eventually, send, sessions, station

VERSIONS = ["1.6", "2.0.1"]


async def _remote_start(live: Live, sim: SimStation, evse_id: int) -> dict[str, Any]:
    """Remote-start on `evse_id`; return Laddnet's session once it is recorded."""
    result = await send(
        live, sim.station_id, "remote-start", {"id_token": "TAG-1", "evse_id": evse_id}
    )
    assert result["status"] == "Accepted"

    async def started() -> dict[str, Any] | None:
        found = [s for s in await sessions(live, sim.station_id) if s["status"] == "Active"]
        return found[0] if found else None

    return await eventually(started)


@pytest.mark.parametrize("version", VERSIONS)
async def test_remote_start_begins_a_session_on_the_requested_evse(
    live: Live, version: str
) -> None:
    sim = await live.station("CP-1", version)
    session = await _remote_start(live, sim, 2)
    action, wire = sim.received_calls[-1]
    if version == "1.6":
        assert (action, wire) == ("RemoteStartTransaction", {"idTag": "TAG-1", "connectorId": 2})
    else:
        assert action == "RequestStartTransaction"
        assert wire["idToken"] == {"idToken": "TAG-1", "type": "ISO14443"}
        assert wire["evseId"] == 2
        assert sim.evses[2].remote_start_id == wire["remoteStartId"] > 0
    assert (session["evse_id"], session["id_token"]) == (2, "TAG-1")
    assert sim.evses[2].tx_ref is not None
    assert sim.evses[1].tx_ref is None
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_remote_stop_by_laddnet_session_id_ends_the_session(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    session = await _remote_start(live, sim, 2)
    result = await send(live, "CP-1", "remote-stop", {"session_id": session["id"]})
    assert result["status"] == "Accepted"
    action, wire = sim.received_calls[-1]
    expected = "RemoteStopTransaction" if version == "1.6" else "RequestStopTransaction"
    assert action == expected
    assert str(wire["transactionId"]) == session["transaction_id"]

    async def ended() -> dict[str, Any] | None:
        s = (await live.api.get(f"/api/v1/sessions/{session['id']}")).json()
        return s if s["status"] == "Completed" else None

    assert (await eventually(ended))["stop_reason"] == "Remote"
    # An ended session cannot be stopped again; nothing more reaches the station.
    calls = len(sim.received_calls)
    again = await live.api.post(
        "/api/v1/stations/CP-1/commands/remote-stop", json={"session_id": session["id"]}
    )
    assert again.status_code == 422, again.text
    assert "already ended" in again.json()["error"]["message"]
    assert len(sim.received_calls) == calls
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_remote_stop_of_another_stations_session_is_404(live: Live, version: str) -> None:
    one = await live.station("CP-1", version)
    two = await live.station("CP-2", version)
    session = await _remote_start(live, one, 2)
    answer = await live.api.post(
        "/api/v1/stations/CP-2/commands/remote-stop", json={"session_id": session["id"]}
    )
    assert answer.status_code == 404, answer.text
    assert two.received_calls == []
    await one.close()
    await two.close()


@pytest.mark.parametrize(
    ("version", "kind", "reason"),
    [
        ("1.6", "soft", "SoftReset"),
        ("1.6", "hard", "HardReset"),
        ("2.0.1", "hard", "ImmediateReset"),
    ],
)
async def test_reset_ends_the_session_and_the_station_boots_again(
    live: Live, version: str, kind: str, reason: str
) -> None:
    sim = await live.station("CP-1", version)
    session = await _remote_start(live, sim, 2)
    booted_at = (await station(live, "CP-1"))["last_boot_at"]
    result = await send(live, "CP-1", "reset", {"type": kind})
    assert result["status"] == "Accepted"

    async def rebooted() -> dict[str, Any] | None:
        s = await station(live, "CP-1")
        return s if s["connected"] and s["last_boot_at"] != booted_at else None

    await eventually(rebooted)
    assert sim.connected
    if version == "2.0.1":
        assert sim.boot_reason == "RemoteReset"
    ended = (await live.api.get(f"/api/v1/sessions/{session['id']}")).json()
    assert ended["status"] == "Completed"
    assert ended["stop_reason"] == reason
    # The station is back in business: it takes the next command.
    assert (await send(live, "CP-1", "clear-cache", {}))["status"] == "Accepted"
    await sim.close()


async def test_2_0_1_reset_on_idle_waits_for_the_session_to_end(live: Live) -> None:
    sim = await live.station("CP-1", "2.0.1")
    session = await _remote_start(live, sim, 2)
    booted_at = (await station(live, "CP-1"))["last_boot_at"]
    result = await send(live, "CP-1", "reset", {"type": "soft"})
    assert result["status"] == "Scheduled"
    assert sim.boot_reason == "PowerUp"  # not yet
    await send(live, "CP-1", "remote-stop", {"session_id": session["id"]})

    async def rebooted() -> bool:
        s = await station(live, "CP-1")
        return bool(s["connected"] and s["last_boot_at"] != booted_at)

    await eventually(rebooted)
    assert sim.boot_reason == "RemoteReset"
    await sim.close()


def _connector(body: dict[str, Any], evse_id: int) -> str | None:
    return next((c["status"] for c in body["connectors"] if c["evse_id"] == evse_id), None)


@pytest.mark.parametrize("version", VERSIONS)
async def test_change_availability_of_an_evse_is_reported(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    result = await send(live, "CP-1", "change-availability", {"operative": False, "evse_id": 1})
    assert result["status"] == "Accepted"
    wire = sim.received_calls[-1]
    if version == "1.6":
        assert wire == ("ChangeAvailability", {"connectorId": 1, "type": "Inoperative"})
    else:
        expected = {"operationalStatus": "Inoperative", "evse": {"id": 1}}
        assert wire == ("ChangeAvailability", expected)

    async def status_is(value: str) -> bool:
        return _connector(await station(live, "CP-1"), 1) == value

    await eventually(lambda: status_is("Unavailable"))
    # An inoperative EVSE cannot be remote-started.
    rejected = await send(live, "CP-1", "remote-start", {"id_token": "TAG-1", "evse_id": 1})
    assert rejected["status"] == "Rejected"
    assert (await send(live, "CP-1", "change-availability", {"operative": True, "evse_id": 1}))[
        "status"
    ] == "Accepted"
    await eventually(lambda: status_is("Available"))
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_change_availability_of_the_station_and_while_charging(
    live: Live, version: str
) -> None:
    sim = await live.station("CP-1", version)
    await _remote_start(live, sim, 2)
    result = await send(live, "CP-1", "change-availability", {"operative": False})
    assert result["status"] == "Scheduled"  # EVSE 2 is charging

    async def station_unavailable() -> bool:
        s = await station(live, "CP-1")
        availability = s["availability"] or {}
        return bool(
            availability.get("status") == "Unavailable" and _connector(s, 1) == "Unavailable"
        )

    await eventually(station_unavailable)
    assert sim.evses[2].scheduled_operative is False
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_trigger_status_notification_sends_one(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    assert (await station(live, "CP-1"))["connectors"] == []
    body = {"message": "StatusNotification", "evse_id": 2}
    assert (await send(live, "CP-1", "trigger-message", body))["status"] == "Accepted"
    key = "connectorId" if version == "1.6" else "evse"
    assert sim.received_calls[-1][1][key] in (2, {"id": 2})
    s = await eventually(lambda: _has_connectors(live))
    assert [(c["evse_id"], c["status"]) for c in s["connectors"]] == [(2, "Available")]
    meter = await send(live, "CP-1", "trigger-message", {"message": "MeterValues"})
    assert meter["status"] == "Accepted"
    unknown = await send(live, "CP-1", "trigger-message", {"message": "Heartbeat", "evse_id": 9})
    assert unknown["status"] == "Rejected"
    await sim.close()


async def _has_connectors(live: Live) -> dict[str, Any] | None:
    s = await station(live, "CP-1")
    return s if s["connectors"] else None


@pytest.mark.parametrize(("version", "busy"), [("1.6", "Unlocked"), ("2.0.1", "Ongoing")])
async def test_unlock_connector(live: Live, version: str, busy: str) -> None:
    sim = await live.station("CP-1", version)
    idle = await send(live, "CP-1", "unlock-connector", {"evse_id": 1})
    assert idle["status"] == "Unlocked"
    wire = {"connectorId": 1} if version == "1.6" else {"evseId": 1, "connectorId": 1}
    assert sim.received_calls[-1] == ("UnlockConnector", wire)
    session = await _remote_start(live, sim, 2)
    charging = await send(live, "CP-1", "unlock-connector", {"evse_id": 2})
    assert charging["status"].startswith(busy)

    async def state() -> str:
        return str((await live.api.get(f"/api/v1/sessions/{session['id']}")).json()["status"])

    if version == "1.6":  # 1.6 §5.18: the transaction is finished first
        assert await eventually(lambda: _equals(state(), "Completed"))
    else:  # 2.0.1 F05.FR.02: OngoingAuthorizedTransaction, the session goes on
        assert await state() == "Active"
    await sim.close()


async def _equals(value: Any, expected: str) -> bool:
    return bool(await value == expected)
