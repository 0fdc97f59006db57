"""A password rotation the station never answered is sent again when it connects with its old
password (once per connection, at most MAX_ATTEMPTS times, then it fails); one it refused is
not. Real 1.6 and 2.0.1 stations over real WebSockets, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import (
    MAX_ATTEMPTS,
    ChangeState,
    CredentialChange,
    password_of_key,
)
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import PASSWORD, Running
from tests.integration.ocpp.test_password_rotation import eventually, logs_in, online

CP1 = StationId("CP-1")


def _password_in(action: str, payload: dict[str, Any]) -> str | None:
    """The new password a server CALL carries, if it is a rotation's."""
    if action == "ChangeConfiguration" and payload.get("key") == "AuthorizationKey":
        return password_of_key(payload["value"])
    if action == "SetVariables":
        for item in payload["setVariableData"]:
            if item["variable"]["name"] == "BasicAuthPassword":
                return str(item["attributeValue"])
    return None


async def _password_call(station: SimStation) -> str:
    """Read the CALLs a station that does not answer receives until a rotation's comes."""
    while True:
        frame = await station.recv_raw(5)
        password = _password_in(frame[2], frame[3])
        if password is not None:
            return password


def _password_calls(station: SimStation) -> list[str]:
    return [p for a, body in station.received_calls if (p := _password_in(a, body)) is not None]


async def _change(running: Running, change_id: int) -> CredentialChange:
    changes, _ = await running.container.credentials.changes(station_id="CP-1", limit=100)
    return next(c for c in changes if c.id == change_id)


async def _reached(running: Running, change_id: int, state: ChangeState, attempts: int) -> bool:
    change = await _change(running, change_id)
    return change.state is state and change.attempts == attempts


async def _dropped_half_way(quick: Running, version: str) -> tuple[SimStation, int, str]:
    """A rotation sent to a station that loses its connection before it answers."""
    station = await online(quick, "CP-1", version, auto_answer=False)
    rotation = asyncio.create_task(quick.container.credentials.rotate_password(CP1, "user:1"))
    first = await _password_call(station)
    await station.drop()
    change = await rotation
    assert (change.state, change.attempts) == (ChangeState.UNCONFIRMED, 1)
    return station, change.id, first


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_rotation_lost_half_way_is_sent_again_when_the_station_connects(
    quick: Running, version: str
) -> None:
    gone, change_id, first = await _dropped_half_way(quick, version)
    station = await online(quick, "CP-1", version)  # back, with its old password
    await eventually(lambda: _reached(quick, change_id, ChangeState.CONFIRMED, 2))
    [second] = _password_calls(station)  # sent again, once, with a new password
    assert station.password == second not in (first, PASSWORD)
    assert await logs_in(quick, "CP-1", PASSWORD)  # confirmed, not yet used
    assert not await logs_in(quick, "CP-1", first)  # the first sending's is gone
    await station.reconnect()  # with the new one
    await eventually(lambda: _reached(quick, change_id, ChangeState.COMPLETED, 2))
    assert not await logs_in(quick, "CP-1", PASSWORD)
    assert await logs_in(quick, "CP-1", second)
    assert _password_calls(station) == [second]  # not sent a third time
    await station.close()
    await gone.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_rotation_the_station_refused_is_not_sent_again(
    quick: Running, version: str
) -> None:
    station = await online(quick, "CP-1", version)
    config = station.responder.config if version == "1.6" else station.responder.variables
    key: Any = "AuthorizationKey" if version == "1.6" else ("SecurityCtrlr", "BasicAuthPassword")
    mutability = config[key][1]
    config[key][1] = "ReadOnly"
    refused = await quick.container.credentials.rotate_password(CP1, "user:1")
    assert refused.state is ChangeState.FAILED
    await station.reconnect()
    await station.heartbeat()
    config[key][1] = mutability
    # A later rotation over the same connection: only it reaches the station.
    later = await quick.container.credentials.rotate_password(CP1, "user:1")
    assert later.state is ChangeState.CONFIRMED
    assert len(_password_calls(station)) == 2
    again = await _change(quick, refused.id)
    assert (again.state, again.attempts, again.detail) == (
        ChangeState.FAILED,
        1,
        "station answered Rejected",
    )
    await station.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_rotation_is_sent_at_most_max_attempts_times(quick: Running, version: str) -> None:
    station, change_id, _ = await _dropped_half_way(quick, version)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        await station.reconnect()  # with its old password: it never took a new one
        await _password_call(station)
        await station.drop()
        await eventually(lambda: _reached(quick, change_id, ChangeState.UNCONFIRMED, attempt))  # noqa: B023
    await station.reconnect()
    await eventually(lambda: _reached(quick, change_id, ChangeState.FAILED, MAX_ATTEMPTS))
    change = await _change(quick, change_id)
    assert change.detail == f"no answer after {MAX_ATTEMPTS} attempts"
    assert await logs_in(quick, "CP-1", PASSWORD)  # the old password stays
    events = await quick.container.queries.security_events()
    assert any(
        e["kind"] == "credential_change_failed"
        and e["station_id"] == "CP-1"
        and f"no answer after {MAX_ATTEMPTS} attempts" in e["detail"]
        for e in events
    )
    await station.close()
