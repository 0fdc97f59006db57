"""Password rotation over OCPP with real 1.6 and 2.0.1 stations over real WebSockets, on SQLite
and PostgreSQL: the new password is the only one once the station has confirmed it and
connected with it; until then the old one keeps working, so a station that never confirms or
loses its connection half-way is never locked out. The password is never stored or logged in
clear."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

import pytest

from laddnet.domain.errors import Conflict
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import ChangeKind, ChangeState, password_of_key
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import PASSWORD, Running

CP1 = StationId("CP-1")


async def online(running: Running, station_id: str, version: str, **kw: object) -> SimStation:
    station = running.station(station_id, version, **kw)
    await station.connect()
    await station.boot()
    return station


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def logs_in(running: Running, station_id: str, password: str) -> bool:
    return (
        await running.container.stations.authenticate(StationId(station_id), password) is not None
    )


async def state_of(running: Running, change_id: int) -> ChangeState:
    changes, _ = await running.container.credentials.changes(station_id=None, limit=100)
    return next(c.state for c in changes if c.id == change_id)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_tc_a_09_csms_rotation_takes_effect_once_confirmed_and_used(
    quick: Running, version: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # ours; websockets' DEBUG lines dump every frame
    station = await online(quick, "CP-1", version)
    change = await quick.container.credentials.rotate_password(CP1, "user:1")
    assert change.kind is ChangeKind.PASSWORD
    assert change.state is ChangeState.CONFIRMED, change.detail
    # The rotation's CALL; the configuration read after boot may come before or after it.
    sent = "ChangeConfiguration" if version == "1.6" else "SetVariables"
    action, payload = next(call for call in station.received_calls[::-1] if call[0] == sent)
    if version == "1.6":  # security whitepaper: the AuthorizationKey in hex digits
        assert (action, payload["key"]) == ("ChangeConfiguration", "AuthorizationKey")
        assert len(payload["value"]) == 40
        new = password_of_key(payload["value"])
    else:
        assert action == "SetVariables"
        [item] = payload["setVariableData"]
        assert (item["component"]["name"], item["variable"]["name"]) == (
            "SecurityCtrlr",
            "BasicAuthPassword",
        )
        new = item["attributeValue"]
        assert len(new) == 32
    assert station.password == new != PASSWORD
    # Confirmed but not yet used: both passwords log the station in.
    assert await logs_in(quick, "CP-1", PASSWORD)
    assert await logs_in(quick, "CP-1", new)
    await station.reconnect()  # the station connects with its new password
    await eventually(lambda: _is(quick, change.id, ChangeState.COMPLETED))
    assert not await logs_in(quick, "CP-1", PASSWORD)
    assert await logs_in(quick, "CP-1", new)
    # Audited, and the password is nowhere: command log, audit log, security events, logs.
    rows, _ = await quick.container.audit.search()
    actions = {r["action"] for r in rows if r["target_id"] == "CP-1"}
    assert {"station.password_rotation", "station.password_rotated"} <= actions
    commands, _ = await quick.container.commands.history(
        CP1, name="rotate-password", limit=5, offset=0
    )
    events = await quick.container.queries.security_events()
    kinds = {e["kind"] for e in events if e["station_id"] == "CP-1"}
    assert "password_changed" in kinds
    hexed = new.encode().hex()
    for text in (str(rows), str(commands), json.dumps(events, default=str), caplog.text):
        assert new not in text and hexed not in text
    assert "[redacted]" in str(commands[0].request)
    await station.close()


async def _sent_again(running: Running, change_id: int) -> bool:
    changes, _ = await running.container.credentials.changes(station_id=None, limit=100)
    change = next(c for c in changes if c.id == change_id)
    return change.attempts == 2 and change.state is ChangeState.UNCONFIRMED


async def _is(running: Running, change_id: int, state: ChangeState) -> bool:
    return await state_of(running, change_id) is state


async def test_a_station_that_never_answers_keeps_its_old_password(quick: Running) -> None:
    station = await online(quick, "CP-1", "1.6", auto_answer=False)  # hears, never answers
    change = await quick.container.credentials.rotate_password(CP1, "user:1")
    assert change.state is ChangeState.UNCONFIRMED
    assert await logs_in(quick, "CP-1", PASSWORD)  # the old one: the station never confirmed
    await station.reconnect()  # with its old password: sent again, and again no answer
    await eventually(lambda: _sent_again(quick, change.id))
    assert await state_of(quick, change.id) is ChangeState.UNCONFIRMED
    assert await logs_in(quick, "CP-1", PASSWORD)
    # Each open rotation's password is one more to check at a login: at most three.
    for _ in range(2):
        await quick.container.credentials.rotate_password(CP1, "user:1")
    with pytest.raises(Conflict, match="3 password rotations open"):
        await quick.container.credentials.rotate_password(CP1, "user:1")
    await station.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_tc_a_10_csms_a_station_that_refuses_keeps_its_old_password(
    quick: Running, version: str
) -> None:
    station = await online(quick, "CP-2", version)
    if version == "1.6":  # it will not change it
        station.responder.config["AuthorizationKey"][1] = "ReadOnly"
    else:
        station.responder.variables[("SecurityCtrlr", "BasicAuthPassword")][1] = "ReadOnly"
    change = await quick.container.credentials.rotate_password(StationId("CP-2"), "user:1")
    assert change.state is ChangeState.FAILED
    assert change.detail == "station answered Rejected"
    await station.reconnect()  # with the old password, as before
    assert await logs_in(quick, "CP-2", PASSWORD)
    events = await quick.container.queries.security_events()
    assert any(
        e["kind"] == "credential_change_failed" and e["station_id"] == "CP-2" for e in events
    )
    await station.close()


async def test_an_offline_stations_rotation_waits_and_is_sent_when_it_connects(
    quick: Running,
) -> None:
    station = await online(quick, "CP-3", "2.0.1")
    await station.close()
    await eventually(lambda: _offline(quick, "CP-3"))
    change = await quick.container.credentials.rotate_password(StationId("CP-3"), "user:1")
    assert change.state is ChangeState.QUEUED
    assert change.detail == "station offline: sent when it connects"
    assert change.attempts == 0  # nothing was sent
    assert await logs_in(quick, "CP-3", PASSWORD)

    await station.reconnect()  # with its old password: the login sends the rotation
    await eventually(lambda: _is(quick, change.id, ChangeState.CONFIRMED))
    assert station.password != PASSWORD
    await station.reconnect()  # with the new one
    await eventually(lambda: _is(quick, change.id, ChangeState.COMPLETED))
    assert not await logs_in(quick, "CP-3", PASSWORD)
    assert await logs_in(quick, "CP-3", station.password or "")
    changes, _ = await quick.container.credentials.changes(station_id="CP-3")
    assert [c.attempts for c in changes] == [1]
    await station.close()


async def _offline(running: Running, station_id: str) -> bool:
    station = await running.container.queries.station(StationId(station_id))
    return station is not None and not station.connected


async def test_a_station_that_disconnects_half_way_is_not_locked_out(quick: Running) -> None:
    """The station takes the new password and loses its connection before it answers: both
    passwords keep working; a second rotation over its new connection completes."""
    station = await online(quick, "CP-1", "2.0.1", auto_answer=False)
    rotation = asyncio.create_task(quick.container.credentials.rotate_password(CP1, "user:1"))
    frame = await station.recv_raw(5)
    while frame[2] != "SetVariables":  # what Laddnet asks a booted 2.0.1 station (a report)
        frame = await station.recv_raw(5)
    first = frame[3]["setVariableData"][0]["attributeValue"]
    await station.drop()  # gone before answering
    change = await rotation
    assert change.state is ChangeState.UNCONFIRMED
    # Both work: the station may or may not have kept the new one.
    assert await logs_in(quick, "CP-1", PASSWORD)
    assert await logs_in(quick, "CP-1", first)
    again = SimStation(quick.base_url, "CP-1", first, "2.0.1")  # it did keep it
    await again.connect()
    await again.boot()
    await eventually(lambda: _connected_with(quick, change.id))
    assert await state_of(quick, change.id) is ChangeState.UNCONFIRMED
    assert await logs_in(quick, "CP-1", PASSWORD)  # never confirmed: the old one stays
    second = await quick.container.credentials.rotate_password(CP1, "user:1")
    assert second.state is ChangeState.CONFIRMED
    await again.reconnect()
    await eventually(lambda: _is(quick, second.id, ChangeState.COMPLETED))
    assert await state_of(quick, change.id) is ChangeState.SUPERSEDED
    assert not await logs_in(quick, "CP-1", PASSWORD)
    assert not await logs_in(quick, "CP-1", first)
    assert await logs_in(quick, "CP-1", again.password or "")
    await again.close()
    await station.close()


async def _connected_with(running: Running, change_id: int) -> bool:
    changes, _ = await running.container.credentials.changes(limit=100)
    return any(c.id == change_id and c.connected_at is not None for c in changes)


async def test_bulk_rotation_reports_progress(quick: Running) -> None:
    one = await online(quick, "CP-1", "1.6")
    two = await online(quick, "CP-2", "2.0.1")
    # CP-3 has booted once but is offline now: its rotation waits, the others go through.
    three = await online(quick, "CP-3", "1.6")
    await three.close()
    await eventually(lambda: _offline(quick, "CP-3"))
    bulk = await quick.container.credentials.rotate_many("user:1", every=True)
    assert sum(bulk.counts.values()) == 3
    await quick.container.credentials.wait()
    assert await quick.container.credentials.progress(bulk.batch) == {
        "confirmed": 2,
        "queued": 1,
    }
    await one.reconnect()
    await two.reconnect()
    await eventually(lambda: _progress_is(quick, bulk.batch, {"completed": 2, "queued": 1}))
    assert not await logs_in(quick, "CP-1", PASSWORD)
    assert await logs_in(quick, "CP-3", PASSWORD)
    await three.reconnect()  # back: it gets its rotation
    await eventually(lambda: _progress_is(quick, bulk.batch, {"completed": 2, "confirmed": 1}))
    await three.reconnect()
    await eventually(lambda: _progress_is(quick, bulk.batch, {"completed": 3}))
    assert not await logs_in(quick, "CP-3", PASSWORD)
    for station in (one, two, three):
        await station.close()


async def _progress_is(running: Running, batch: str, expected: dict[str, int]) -> bool:
    return await running.container.credentials.progress(batch) == expected
