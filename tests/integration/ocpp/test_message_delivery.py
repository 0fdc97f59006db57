"""The socket hands each message to the RPC core as it arrives (no reader task waiting per
station): CALLs are answered one at a time and in order, CALLERRORs of malformed frames keep
their place, a flooding station stops being read, fragmented and binary messages are joined,
invalid UTF-8 closes with 1007, a closing connection finishes its current CALL only, and the
answers to a station that stops reading wait for room in order.

A real websockets server with `MessageSocket` and the real `Connection`, driven by real
WebSocket clients; the dispatch is the test's, so a CALL can be held as long as a test needs."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.messages import MAX_FRAGMENTS
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.typing import Subprotocol

from laddnet.ocpp.errors import V16
from laddnet.ocpp.message_socket import EARLY_LIMIT, MessageSocket
from laddnet.ocpp.rpc import INBOUND_QUEUE, Connection, Session

Dispatch = Callable[[Session, str, dict[str, Any]], Awaitable[dict[str, Any]]]
NOW = {"currentTime": "2026-12-06T08:00:00Z"}
BUFFER = 256 * 1024  # socket buffer size (bytes) for the test of a station that stops reading


@dataclass
class Server:
    url: str
    dispatch: Dispatch | None = None
    delay_run: float = 0.0  # the gateway's own awaits before it starts serving a connection
    connections: list[Connection] = field(default_factory=list)
    serving: list[Connection] = field(default_factory=list)
    ended: list[Connection] = field(default_factory=list)

    @property
    def connection(self) -> Connection:
        return self.connections[-1]

    async def client(self) -> ClientConnection:
        return await connect(self.url, subprotocols=[Subprotocol("ocpp1.6")])


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    here = Server(url="")

    async def handle(ws: ServerConnection) -> None:
        assert here.dispatch is not None
        session = Session(station_id="CP-1", subprotocol=V16, accepted=True)
        assert isinstance(ws, MessageSocket)
        connection = Connection(ws, session, here.dispatch, call_timeout=5)
        here.connections.append(connection)
        await asyncio.sleep(here.delay_run)
        here.serving.append(connection)
        await connection.run()
        here.ended.append(connection)

    async with serve(
        handle,
        "127.0.0.1",
        0,
        create_connection=MessageSocket,
        subprotocols=[Subprotocol("ocpp1.6")],
    ) as ws_server:
        port = next(iter(ws_server.sockets)).getsockname()[1]
        here.url = f"ws://127.0.0.1:{port}/ocpp/CP-1"
        yield here


async def _answer_at_once(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
    return NOW


def _held_until(release: asyncio.Event) -> Dispatch:
    """A dispatch whose CALLs are answered only once `release` is set."""

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        return NOW

    return dispatch


def _heartbeat(n: int) -> str:
    return orjson.dumps([2, f"m-{n}", "Heartbeat", {}]).decode()


async def _replies(client: ClientConnection, count: int) -> list[Any]:
    async with asyncio.timeout(5):
        return [orjson.loads(await client.recv()) for _ in range(count)]


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.001)


def _reading(connection: Connection) -> bool:
    return bool(connection.ws.transport.is_reading())  # type: ignore[attr-defined]


async def test_calls_sent_back_to_back_are_answered_one_at_a_time_in_order(
    server: Server,
) -> None:
    running: list[int] = []
    seen: list[int] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        n = len(seen)
        seen.append(n)
        running.append(n)
        assert running == [n]  # never two at once
        await asyncio.sleep(0.002 * (3 - n % 3))  # earlier CALLs take longer
        running.remove(n)
        return {"currentTime": f"2026-12-06T08:00:0{n}Z"}

    server.dispatch = dispatch
    async with await server.client() as client:
        for n in range(INBOUND_QUEUE * 2):
            await client.send(_heartbeat(n))
        replies = await _replies(client, INBOUND_QUEUE * 2)
        await _until(lambda: server.connection._handler is None)  # idle: no task left waiting

    assert [reply[:2] for reply in replies] == [[3, f"m-{n}"] for n in range(INBOUND_QUEUE * 2)]
    assert [reply[2]["currentTime"][-3:] for reply in replies] == [
        f"{n:02d}Z" for n in range(INBOUND_QUEUE * 2)
    ]


async def test_a_flooding_station_is_not_read_until_its_queue_has_room(server: Server) -> None:
    release = asyncio.Event()

    server.dispatch = _held_until(release)
    async with await server.client() as client:
        for n in range(INBOUND_QUEUE + 1):
            await client.send(_heartbeat(n))
        await _until(lambda: bool(server.connections) and not _reading(server.connection))
        connection = server.connection
        queued = len(connection._inbound)
        for n in range(INBOUND_QUEUE + 1, INBOUND_QUEUE + 6):
            await client.send(_heartbeat(n))
        await asyncio.sleep(0.05)
        assert len(connection._inbound) == queued  # not read: TCP now slows this station down

        release.set()
        replies = await _replies(client, INBOUND_QUEUE + 6)
        assert _reading(connection)

    assert [reply[:2] for reply in replies] == [[3, f"m-{n}"] for n in range(INBOUND_QUEUE + 6)]


async def test_a_malformed_frame_is_answered_in_its_place(server: Server) -> None:
    release = asyncio.Event()

    server.dispatch = _held_until(release)
    async with await server.client() as client:
        await client.send(_heartbeat(0))
        await client.send('[2, "m-1", "Heartbeat", {')  # cut short: invalid JSON
        await client.send('[2, "m-2", "Heartbeat", "not an object"]')
        await client.send(_heartbeat(3))
        await asyncio.sleep(0.05)
        release.set()
        replies = await _replies(client, 4)

    assert [reply[:3] for reply in replies[1:3]] == [
        [4, "-1", "FormationViolation"],
        [4, "m-2", "FormationViolation"],
    ]
    assert [reply[:2] for reply in (replies[0], replies[3])] == [[3, "m-0"], [3, "m-3"]]


async def test_fragmented_and_binary_messages_are_answered(server: Server) -> None:
    server.dispatch = _answer_at_once
    async with await server.client() as client:
        text = _heartbeat(1)
        await client.send([text[:5], text[5:12], text[12:]])  # one message in three frames
        await client.send(_heartbeat(2).encode())  # a binary frame
        replies = await _replies(client, 2)

    assert [reply[:2] for reply in replies] == [[3, "m-1"], [3, "m-2"]]


async def test_invalid_utf8_closes_the_connection_with_1007(server: Server) -> None:
    handled: list[str] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        handled.append(action)
        return NOW

    server.dispatch = dispatch
    async with await server.client() as client:
        async with client.send_context():  # a text frame that is not UTF-8
            client.protocol.send_text(b'[2, "m-1", "Heartbeat", {"x": "\xff"}]')
        async with asyncio.timeout(5):
            await client.wait_closed()

    assert client.protocol.close_rcvd is not None
    assert client.protocol.close_rcvd.code == CloseCode.INVALID_DATA
    assert handled == []
    await _until(lambda: len(server.ended) == 1)


async def test_too_many_fragments_close_the_connection_with_1009(server: Server) -> None:
    server.dispatch = _answer_at_once
    async with await server.client() as client:
        with contextlib.suppress(ConnectionClosed):  # the server may close before the last one
            await client.send([" "] * (MAX_FRAGMENTS + 10))
        async with asyncio.timeout(5):
            await client.wait_closed()

    assert client.protocol.close_rcvd is not None
    assert client.protocol.close_rcvd.code == CloseCode.MESSAGE_TOO_BIG


async def test_messages_before_the_connection_is_served_wait_and_are_answered(
    server: Server,
) -> None:
    server.dispatch = _answer_at_once
    server.delay_run = 0.3  # the gateway records presence and the login before serving
    sent = EARLY_LIMIT * 3
    async with await server.client() as client:
        for n in range(sent):
            await client.send(_heartbeat(n))
        await _until(lambda: bool(server.connections))
        await _until(lambda: not _reading(server.connection))  # a few wait, then TCP holds on
        assert server.serving == []
        replies = await _replies(client, sent)

    assert [reply[:2] for reply in replies] == [[3, f"m-{n}"] for n in range(sent)]


async def test_closing_finishes_the_current_call_and_drops_the_queued_ones(
    server: Server,
) -> None:
    release = asyncio.Event()
    started: list[str] = []
    finished: list[str] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        started.append(action)
        await release.wait()
        finished.append(action)
        return NOW

    server.dispatch = dispatch
    client = await server.client()
    for n in range(3):
        await client.send(_heartbeat(n))
    await _until(lambda: started == ["Heartbeat"])
    client.transport.abort()  # the station is gone without a closing handshake
    await asyncio.sleep(0.05)
    assert server.ended == []  # run waits for the CALL being handled (it may share a commit)
    assert not server.connection._inbound  # the queued ones are dropped at once

    release.set()
    await _until(lambda: len(server.ended) == 1)
    assert finished == ["Heartbeat"]  # the two queued ones were never started
    assert server.connection._handler is None


async def test_nothing_keeps_the_payload_once_it_is_answered(server: Server) -> None:
    handled: list[dict[str, Any]] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        handled.append(payload)
        return {}

    server.dispatch = dispatch
    status = {"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "x" * 50}
    async with await server.client() as client:
        await client.send(orjson.dumps([2, "m-1", "StatusNotification", status]).decode())
        reply = await _replies(client, 1)
        await _until(lambda: server.connection._handler is None)  # idle again

        me = (handled, inspect.currentframe())
        holders = [r for r in gc.get_referrers(handled[0]) if not any(r is m for m in me)]
        assert holders == []
        assert reply == [[3, "m-1", {}]]


async def test_a_connection_keeps_its_protocol_lists_from_one_message_to_the_next(
    server: Server,
) -> None:
    server.dispatch = _answer_at_once
    async with await server.client() as client:
        await client.send(_heartbeat(0))
        await _replies(client, 1)
        protocol = server.connection.ws.protocol
        events, writes = protocol.events, protocol.writes
        for n in range(1, 6):
            await client.send(_heartbeat(n))
            assert (await _replies(client, 1))[0][:2] == [3, f"m-{n}"]
        # the same (empty) lists: not a new pair per message for the collector to walk
        assert protocol.events is events and protocol.events == []
        assert protocol.writes is writes and protocol.writes == []


async def test_answers_to_a_station_that_stops_reading_wait_for_room_and_keep_their_order(
    server: Server,
) -> None:
    data = "x" * 100_000  # a few of these fill the socket buffers, then the transport's
    handled: list[str] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        handled.append(action)
        return {"status": "Accepted", "data": data}

    server.dispatch = dispatch
    count = 30
    sock = socket.create_connection(("127.0.0.1", urlsplit(server.url).port))
    # Buffers of a fixed size, not the megabytes loopback grows to; not so small either that
    # TCP's window updates (below one 64 KiB segment) wait for its persist timer.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    sock.setblocking(False)
    subprotocols = [Subprotocol("ocpp1.6")]
    # The client keeps at most two messages unread, then stops reading the socket.
    options: dict[str, Any] = {"sock": sock, "compression": None, "max_queue": 2}
    async with connect(server.url, subprotocols=subprotocols, **options) as client:
        await _until(lambda: bool(server.connections))
        server_socket = server.connection.ws.transport.get_extra_info("socket")
        server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
        for n in range(count):  # and nothing is read for now
            await client.send(_data_transfer(n))
        answered = await _settled(lambda: len(handled))  # answers stopped at a full buffer
        assert server.connection.ws.paused
        async with asyncio.timeout(10):
            replies = [orjson.loads(await client.recv()) for _ in range(count)]

    assert answered < count
    assert [reply[:2] for reply in replies] == [[3, f"m-{n}"] for n in range(count)]
    assert all(reply[2] == {"status": "Accepted", "data": data} for reply in replies)


async def _settled(count: Callable[[], int]) -> int:
    """The count once it has not changed for 0.1 s."""
    async with asyncio.timeout(5):
        while True:
            before = count()
            await asyncio.sleep(0.1)
            if count() == before:
                return before


def _data_transfer(n: int) -> str:
    return orjson.dumps([2, f"m-{n}", "DataTransfer", {"vendorId": "test"}]).decode()
