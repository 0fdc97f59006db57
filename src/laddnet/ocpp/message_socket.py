"""A WebSocket server connection that hands each complete message to a callback as it arrives.

websockets' `recv()` keeps a chain of objects waiting in every idle connection: three
coroutines, a future and its iterator, re-made by each message and kept until the next one,
about 12 s later at the busy hour. At 10,000 stations that is a young generation of 50,000+
objects that every collection walks (docs/performance.md, "a churn set the collector walks").
Here the message is handed over from `data_received`, so an idle connection waits in nothing.

What `recv()` did and this class does instead:
- fragmented messages are joined (websockets' parser already bounds their total size by
  `max_size`; more than `MAX_FRAGMENTS` fragments closes with 1009, as `recv()` does);
- a text message that is not UTF-8 closes the connection with 1007 (RFC 6455 8.1);
- flow control: the consumer calls `pause_reading()` while its queue is full and
  `resume_reading()` when it has room, and TCP slows the peer down;
- messages that arrive before the consumer attaches are kept (reading paused once a few wait).

It also keeps the protocol's event and write lists from one message to the next (`_recycled`),
and drops the opening handshake's headers once the gateway has what it needs from them
(`forget_handshake_headers`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from websockets.asyncio.messages import MAX_FRAGMENTS
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode, Frame, Opcode
from websockets.protocol import Event
from websockets.typing import BytesLike

log = logging.getLogger(__name__)

Message = str | bytes  # text messages decoded, binary ones as they came
Sink = Callable[[Message], None]

_T = TypeVar("_T")

EARLY_LIMIT = 4  # messages kept before the consumer attaches; then reading pauses


class MessageSocket(ServerConnection):
    """A `ServerConnection` that delivers messages to `attach(sink)` instead of `recv()`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sink: Sink | None = None
        self._early: list[Message] = []
        self._fragments: list[Frame] = []
        self._reading_paused = False
        self._failed = False
        self._failing: asyncio.Task[None] | None = None  # owned: the closing handshake of a fail

    def attach(self, sink: Sink) -> None:
        """Deliver every message to `sink` from now on, starting with those that waited."""
        self._sink = sink
        early, self._early = self._early, []
        self.resume_reading()  # before the replay: the sink may pause again
        for message in early:
            sink(message)

    def forget_handshake_headers(self) -> None:
        """Drop the headers of the opening handshake's request and response, which websockets
        keeps for the connection's life: about 4 KiB per station, the station's password (its
        Authorization header) among them. Nothing reads them after the handshake."""
        if self.request is not None:
            self.request.headers = Headers()
        if self.response is not None:
            self.response.headers = Headers()

    def detach(self) -> None:
        """Stop delivering (and drop the reference, which would make a cycle with the sink)."""
        self._sink = None

    def pause_reading(self) -> None:
        if not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._reading_paused:
            self._reading_paused = False
            if not self.transport.is_closing():
                self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        events = self.protocol.events
        super().data_received(data)
        self.protocol.events = _recycled(events, self.protocol.events)

    def send_data(self) -> None:
        writes = self.protocol.writes
        super().send_data()
        self.protocol.writes = _recycled(writes, self.protocol.writes)

    def process_event(self, event: Event) -> None:
        if self.request is None:  # the opening handshake
            super().process_event(event)
            return
        assert isinstance(event, Frame)
        opcode = event.opcode
        if opcode is Opcode.PONG:
            self.acknowledge_pings(bytes(event.data))
        elif self._failed or opcode not in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            return  # CLOSE and PING are answered by the protocol itself
        elif not event.fin or self._fragments:
            self._on_fragment(event)
        else:
            self._on_message(opcode is Opcode.TEXT, event.data)

    def _on_fragment(self, frame: Frame) -> None:
        if len(self._fragments) >= MAX_FRAGMENTS:
            self._fail(CloseCode.MESSAGE_TOO_BIG, "too many fragments")
            return
        self._fragments.append(frame)
        if frame.fin:
            fragments, self._fragments = self._fragments, []
            data = b"".join(fragment.data for fragment in fragments)
            self._on_message(fragments[0].opcode is Opcode.TEXT, data)

    def _on_message(self, text: bool, data: BytesLike) -> None:
        raw = bytes(data)  # no copy when it is bytes already, as the parser gives
        message: Message = raw
        if text:
            try:
                message = raw.decode()
            except UnicodeDecodeError as exc:
                self._fail(CloseCode.INVALID_DATA, f"{exc.reason} at position {exc.start}")
                return
        if self._sink is None:
            self._early.append(message)
            if len(self._early) >= EARLY_LIMIT:
                self.pause_reading()
            return
        try:
            self._sink(message)
        except Exception:
            # Deliberate catch-all: this runs inside data_received, where an exception would
            # abort the transport without a closing handshake. A bug costs this connection a
            # 1011 close, logged with its traceback.
            log.exception("message handling failed")
            self._fail(CloseCode.INTERNAL_ERROR, "internal error")

    def _fail(self, code: CloseCode, reason: str) -> None:
        """Close with `code` (and drop whatever else arrives), as `recv()` does on a bad message."""
        self._failed = True
        self._fragments = []
        self._failing = self.loop.create_task(self._close_failed(code, reason))

    async def _close_failed(self, code: CloseCode, reason: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            async with self.send_context():
                self.protocol.fail(code, reason)


def _recycled(emptied: list[_T], fresh: list[_T]) -> list[_T]:
    """The list to keep: the protocol hands over its events and writes by swapping in a new
    empty list each time, which lived until the station's next message (two objects per
    connection for every young collection to walk). The one just emptied is kept instead, unless
    something was added meanwhile."""
    if fresh or emptied is fresh:
        return fresh
    emptied.clear()
    return emptied
