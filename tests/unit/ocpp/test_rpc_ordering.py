"""CALLs from one station are answered one at a time and in order, a station that floods CALLs
waits for room, a closing connection finishes the CALL it is handling, and a lost connection
releases a reader that waits for room."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosedError

from laddnet.ocpp.errors import V16
from laddnet.ocpp.rpc import INBOUND_QUEUE, Connection, Session, _ConnectionEnded


class _Socket:
    """What Connection uses of a websockets connection: send, and the future set when the
    TCP connection is lost."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.connection_lost_waiter = asyncio.get_running_loop().create_future()
        self.closed = False

    async def send(self, message: str) -> None:
        if self.closed:
            raise ConnectionClosedError(None, None)
        self.sent.append(orjson.loads(message))

    def lose(self) -> None:
        self.closed = True
        self.connection_lost_waiter.set_result(None)


def _connection(dispatch: Any) -> tuple[Connection, _Socket]:
    socket = _Socket()
    session = Session(station_id="CP-1", subprotocol=V16, accepted=True)
    return Connection(cast(ServerConnection, socket), session, dispatch, call_timeout=5), socket


def _heartbeat(n: int) -> bytes:
    return orjson.dumps([2, f"m-{n}", "Heartbeat", {}])


async def _until(condition: Any) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.001)


async def test_calls_sent_back_to_back_are_handled_one_at_a_time_in_order() -> None:
    running: list[int] = []
    seen: list[int] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        n = len(seen)
        seen.append(n)
        running.append(n)
        assert running == [n]  # never two at once
        await asyncio.sleep(0.002 * (3 - n % 3))  # earlier CALLs take longer
        running.remove(n)
        return {"currentTime": f"2026-11-26T08:00:0{n}Z"}

    connection, socket = _connection(dispatch)
    for n in range(INBOUND_QUEUE * 2):
        await connection._on_frame(_heartbeat(n))
    await _until(lambda: len(socket.sent) == INBOUND_QUEUE * 2)

    assert [frame[1] for frame in socket.sent] == [f"m-{n}" for n in range(INBOUND_QUEUE * 2)]
    assert [frame[0] for frame in socket.sent] == [3] * (INBOUND_QUEUE * 2)
    await _until(lambda: connection._handler is None)  # idle again: no task left waiting


async def test_a_station_flooding_calls_waits_for_room() -> None:
    release = asyncio.Event()

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        return {"currentTime": "2026-11-26T08:00:00Z"}

    connection, socket = _connection(dispatch)
    await connection._on_frame(_heartbeat(0))
    await asyncio.sleep(0)  # the first CALL is being handled: the queue is empty
    for n in range(1, INBOUND_QUEUE + 1):
        await connection._on_frame(_heartbeat(n))
    blocked = asyncio.create_task(connection._on_frame(_heartbeat(INBOUND_QUEUE + 1)))
    await asyncio.sleep(0.01)
    assert not blocked.done()  # the reader waits: this station reads nothing more for now

    release.set()
    await asyncio.wait_for(blocked, 5)
    await _until(lambda: len(socket.sent) == INBOUND_QUEUE + 2)
    assert [frame[1] for frame in socket.sent] == [f"m-{n}" for n in range(INBOUND_QUEUE + 2)]


async def test_closing_finishes_the_current_call_and_drops_the_queued_ones() -> None:
    release = asyncio.Event()
    finished: list[str] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        finished.append(action)
        return {"currentTime": "2026-11-26T08:00:00Z"}

    connection, socket = _connection(dispatch)
    for n in range(3):
        await connection._on_frame(_heartbeat(n))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(connection._stop_handler())
    await asyncio.sleep(0.01)
    assert not stopping.done()  # waits for the CALL being handled (it may share a commit)

    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished == ["Heartbeat"]  # the two queued ones were not started
    assert [frame[1] for frame in socket.sent] == ["m-0"]  # the station sees the answer
    assert connection._handler is None


async def _flooded(dispatch: Any) -> tuple[Connection, _Socket, asyncio.Task[None]]:
    """A connection whose reader waits for room behind a CALL that is being handled."""
    connection, socket = _connection(dispatch)
    await connection._on_frame(_heartbeat(0))
    await asyncio.sleep(0)
    for n in range(1, INBOUND_QUEUE + 1):
        await connection._on_frame(_heartbeat(n))
    blocked = asyncio.create_task(connection._on_frame(_heartbeat(INBOUND_QUEUE + 1)))
    await asyncio.sleep(0.01)
    assert not blocked.done()
    return connection, socket, blocked


async def test_a_lost_connection_releases_the_waiting_reader_at_once() -> None:
    release = asyncio.Event()

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await release.wait()  # the CALL being handled does not finish
        return {"currentTime": "2026-11-26T08:00:00Z"}

    connection, socket, blocked = await _flooded(dispatch)
    socket.lose()
    async with asyncio.timeout(5):
        with_error = await asyncio.gather(blocked, return_exceptions=True)
    assert isinstance(with_error[0], _ConnectionEnded)  # the reader stops reading
    assert not connection._inbound  # queued CALLs are dropped, their payloads freed
    release.set()
    await _until(lambda: connection._handler is None)


async def test_an_answer_that_cannot_be_sent_drops_the_queue_and_frees_the_reader() -> None:
    release = asyncio.Event()

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        return {"currentTime": "2026-11-26T08:00:00Z"}

    connection, socket, blocked = await _flooded(dispatch)
    socket.closed = True  # closed, but connection_lost not seen yet
    release.set()
    await asyncio.wait_for(blocked, 5)  # the reader is no longer stuck
    await _until(lambda: connection._handler is None)
    assert socket.sent == []
    assert len(connection._inbound) <= 1  # at most the frame the reader queued after
