"""Our OCPP-J RPC core: framing, schema validation, exact CALLERRORs, ordered dispatch.

Per station: the socket (`MessageSocket`) hands each complete message to `Connection.take` as it
arrives, with no task waiting to read it. CALLs, and the CALLERRORs of malformed frames, go
through a short queue to a handler task, so they are answered strictly in order, while
CALLRESULTs for our own outbound CALL (one in flight, with a timeout) are matched at once. The
handler task lives only while there is something to answer: an idle station holds no waiting
worker, whose objects (coroutines, futures and callbacks per station, re-made by every message)
would otherwise sit in the GC's young generation by the tens of thousands and lengthen every
collection.

Backpressure: once the queue holds `INBOUND_QUEUE` items the socket stops reading, so TCP slows a
station that sends CALLs faster than they are answered; only that station waits. A station that
also stops reading our answers stops answering pings and is dropped by the keepalive. When the
connection ends, queued CALLs are dropped at once and nothing outlives `run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from websockets.exceptions import ConnectionClosed

from laddnet.domain.errors import LaddnetError, UnknownStation
from laddnet.ocpp import schemas
from laddnet.ocpp.errors import V16, ErrorKind, OcppError, code_for, kind_for_domain_error
from laddnet.ocpp.message_socket import Message, MessageSocket

log = logging.getLogger(__name__)

CALL, CALLRESULT, CALLERROR = 2, 3, 4
MAX_MESSAGE_ID = 36
INBOUND_QUEUE = 4


@dataclass(slots=True)
class Session:
    """What the gateway knows about one live connection."""

    station_id: str
    subprotocol: str
    remote_address: str | None = None
    accepted: bool = False
    configuration_read: bool = False  # known at login: no need to read it after a boot
    certificate: tuple[str, str] | None = None  # profile 3: (issuer, serial) of its certificate


Dispatch = Callable[[Session, str, dict[str, Any]], Awaitable[dict[str, Any]]]
# Told of a CALLRESULT or CALLERROR that answers no CALL of ours: (session, frame kind, id).
StrayAnswer = Callable[[Session, str, str], None]


class CallRejected(Exception):
    """The station answered our CALL with a CALLERROR."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


class CallTimeout(Exception):
    """The station did not answer our CALL in time."""


# What the handler answers in order: a CALL (message id, action, payload) or a ready reply.
Inbound = tuple[str, str, dict[str, Any]] | str


class Connection:
    # Set by the gateway: a stray answer is dropped, and reported through this.
    on_stray: StrayAnswer | None = None

    def __init__(
        self,
        ws: MessageSocket,
        session: Session,
        dispatch: Dispatch,
        *,
        call_timeout: float,
    ) -> None:
        self.ws = ws
        self.session = session
        self._dispatch = dispatch
        self._call_timeout = call_timeout
        # A list, not a deque: it holds a few items at most (reading pauses at INBOUND_QUEUE),
        # and an empty deque costs 600 bytes more in each of 10,000 idle connections.
        self._inbound: list[Inbound] = []
        self._handler: asyncio.Task[None] | None = None  # answers _inbound in order, then ends
        self._call_lock = asyncio.Lock()
        self._pending: tuple[str, str, asyncio.Future[Any]] | None = None
        self._ids = itertools.count(1)
        self._id_prefix = secrets.token_hex(4)

    @property
    def subprotocol(self) -> str:
        return self.session.subprotocol

    async def run(self) -> None:
        """Serve the connection until it closes; the handler task is owned and stopped here."""
        self.ws.attach(self.take)
        try:
            # shield: the waiter belongs to websockets and must never be cancelled
            await asyncio.shield(self.ws.connection_lost_waiter)
        finally:
            self.ws.detach()
            await self._stop_handler()
            if self._pending is not None and not self._pending[2].done():
                self._pending[2].set_exception(CallTimeout("connection closed"))

    async def _stop_handler(self) -> None:
        """Let a CALL being handled finish (its commit may be shared with other stations'),
        drop the ones not started (the station re-sends what it did not see answered), stop.
        Cancelling only after the current CALL never interrupts a database operation."""
        self._inbound.clear()
        handler = self._handler
        if handler is None:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._call_timeout):
                await asyncio.wait([handler])
        handler.cancel()
        await asyncio.gather(handler, return_exceptions=True)

    async def call(
        self, action: str, payload: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a CALL and return the station's CALLRESULT payload. One CALL is in flight."""
        schemas.validate(self.subprotocol, action, payload)
        async with self._call_lock:
            message_id = f"{self._id_prefix}-{next(self._ids)}"
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._pending = (message_id, action, future)
            try:
                try:
                    await self.ws.send(orjson.dumps([CALL, message_id, action, payload]).decode())
                except ConnectionClosed:
                    raise UnknownStation(f"{self.session.station_id} is not connected") from None
                async with asyncio.timeout(timeout or self._call_timeout):
                    result: dict[str, Any] = await future
            except TimeoutError as exc:
                raise CallTimeout(f"{action} to {self.session.station_id} timed out") from exc
            finally:
                self._pending = None
        return result

    def take(self, raw: Message) -> None:
        """One complete message from the station (called by the socket as it arrives)."""
        try:
            frame = orjson.loads(raw)
        except orjson.JSONDecodeError:
            self._reply_error("-1", ErrorKind.RPC_FRAMEWORK, "invalid JSON")
            return
        if not isinstance(frame, list) or not frame:
            self._reply_error("-1", ErrorKind.RPC_FRAMEWORK, "a frame must be a JSON array")
            return
        message_id = frame[1] if len(frame) > 1 and isinstance(frame[1], str) else None
        if not isinstance(frame[0], int) or message_id is None:
            self._reply_error(
                message_id or "-1", ErrorKind.RPC_FRAMEWORK, "no message type or message id"
            )
            return
        if len(message_id) > MAX_MESSAGE_ID:
            self._reply_error("-1", ErrorKind.RPC_FRAMEWORK, "message id longer than 36")
            return
        kind = frame[0]
        if kind == CALL:
            self._on_call(message_id, frame)
        elif kind == CALLRESULT:
            self._on_result(message_id, frame[2] if len(frame) > 2 else None)
        elif kind == CALLERROR:
            self._on_error(message_id, frame)
        elif self.subprotocol == V16:
            # OCPP-J 1.6 4.1.3: a message type not in the list SHALL be ignored (1.6 has no
            # MessageTypeNotSupported; answering it would be a CALLERROR to no CALL).
            log.info("%s: ignored message type %s", self.session.station_id, kind)
        else:
            self._reply_error(
                message_id, ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED, f"message type {kind}"
            )

    def _on_call(self, message_id: str, frame: list[Any]) -> None:
        if len(frame) != 4 or not isinstance(frame[2], str):
            self._reply_error(message_id, ErrorKind.RPC_FRAMEWORK, "CALL needs 4 elements")
        elif not isinstance(frame[3], dict):
            self._reply_error(message_id, ErrorKind.FORMAT, "payload must be an object")
        else:
            self._queue((message_id, frame[2], frame[3]))

    def _reply_error(self, message_id: str, kind: ErrorKind, description: str) -> None:
        """Answer a malformed frame, in order with the answers to the CALLs before it."""
        self._queue(self._error_frame(message_id, kind, description))

    def _queue(self, item: Inbound) -> None:
        self._inbound.append(item)
        if len(self._inbound) >= INBOUND_QUEUE:
            self.ws.pause_reading()  # backpressure: only this station waits
        if self._handler is None:
            self._handler = asyncio.get_running_loop().create_task(self._answer_inbound())

    def _on_result(self, message_id: str, payload: Any) -> None:
        pending = self._pending
        if pending is None or pending[0] != message_id or pending[2].done():
            log.info("unexpected CALLRESULT from %s", self.session.station_id)
            self._stray("CALLRESULT", message_id)
            return
        _, action, future = pending
        try:
            if not isinstance(payload, dict):
                raise OcppError(ErrorKind.FORMAT, "CALLRESULT payload must be an object")
            schemas.validate(self.subprotocol, action, payload, response=True)
        except OcppError as exc:
            future.set_exception(CallRejected(code_for(exc.kind, self.subprotocol), str(exc)))
            return
        future.set_result(payload)

    def _on_error(self, message_id: str, frame: list[Any]) -> None:
        pending = self._pending
        if pending is None or pending[0] != message_id or pending[2].done():
            self._stray("CALLERROR", message_id)
            return
        code = str(frame[2]) if len(frame) > 2 else "GenericError"
        description = str(frame[3]) if len(frame) > 3 else ""
        pending[2].set_exception(CallRejected(code, description))

    def _stray(self, kind: str, message_id: str) -> None:
        """An answer to no CALL in flight (never sent, or answered after its timeout)."""
        if self.on_stray is not None:
            self.on_stray(self.session, kind, message_id)

    async def _answer_inbound(self) -> None:
        """Answer the queue in order; end when it is empty, holding no payload."""
        try:
            while self._inbound:
                item = self._inbound.pop(0)
                if len(self._inbound) < INBOUND_QUEUE:
                    self.ws.resume_reading()
                reply = item if isinstance(item, str) else await self._handle(*item)
                del item
                try:
                    await self.ws.send(reply)
                except ConnectionClosed:
                    self._inbound.clear()  # the station re-sends what it did not see answered
                    return
        finally:
            self._handler = None

    async def _handle(self, message_id: str, action: str, payload: dict[str, Any]) -> str:
        try:
            schemas.validate(self.subprotocol, action, payload)
            result = await self._dispatch(self.session, action, payload)
            schemas.validate(self.subprotocol, action, result, response=True)
        except OcppError as exc:
            return self._error_frame(message_id, exc.kind, exc.description)
        except LaddnetError as exc:
            kind = kind_for_domain_error(exc)
            log.warning(
                "%s from %s failed: %s", action, self.session.station_id, type(exc).__name__
            )
            return self._error_frame(message_id, kind, "")
        except Exception:
            # Deliberate catch-all: a bug in one handler must cost one CALLERROR, not the
            # connection. It is logged with its traceback; the station gets no internals.
            log.exception("handler %s failed for %s", action, self.session.station_id)
            return self._error_frame(message_id, ErrorKind.INTERNAL, "")
        return orjson.dumps([CALLRESULT, message_id, result]).decode()

    def _error_frame(self, message_id: str, kind: ErrorKind, description: str) -> str:
        code = code_for(kind, self.subprotocol)
        return orjson.dumps([CALLERROR, message_id, code, description, {}]).decode()
