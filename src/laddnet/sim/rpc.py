"""One OCPP-J WebSocket link: our CALLs matched to their answers, the server's CALLs dispatched.

A single reader task owns the socket's receive side. Answers to pending CALLs resolve their
futures; server CALLs go to `on_call` (unless it is None); every other frame is kept for
`recv_raw`, so tests can look at whatever the server sends.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, NegotiationError
from websockets.typing import Subprotocol

from laddnet.sim.frames import (
    CALL,
    CALLERROR,
    CALLRESULT,
    SUBPROTOCOLS,
    CallErrorReceived,
    decode,
    encode_call,
)

OnCall = Callable[[str, str, dict[str, Any]], Awaitable[None]]
_UNSOLICITED_MAX = 1000


class NotConnectedError(ConnectionError):
    """The station has no open connection to send on."""


async def open_websocket(
    url: str,
    version: str,
    credentials: tuple[str, str] | None,
    open_timeout: float,
    user_agent: str,
    ssl_context: ssl.SSLContext | None = None,
    compression: bool = False,
) -> ClientConnection:
    """Open a station's WebSocket with basic auth and the version's subprotocol (raises
    websockets' InvalidStatus if the server refuses it). A wss:// URL uses `ssl_context`
    (the server's CA, and a client certificate for security profile 3)."""
    headers: dict[str, str] = {}
    if credentials is not None:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    subprotocol = SUBPROTOCOLS[version]
    ws = await connect(
        url,
        subprotocols=[Subprotocol(subprotocol)],
        additional_headers=headers,
        open_timeout=open_timeout,
        compression="deflate" if compression else None,  # offer RFC 7692 permessage-deflate
        proxy=None,
        user_agent_header=user_agent,
        ssl=ssl_context,
    )
    if ws.subprotocol != subprotocol:
        await ws.close()
        raise NegotiationError(f"server chose subprotocol {ws.subprotocol!r}")
    return ws


class RpcConnection:
    def __init__(
        self, ws: ClientConnection, on_call: OnCall | None, on_closed: Callable[[], None]
    ) -> None:
        self.ws = ws
        self._on_call = on_call
        self._on_closed = on_closed
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._unsolicited: asyncio.Queue[Any] = asyncio.Queue(_UNSOLICITED_MAX)
        self._one_in_flight = asyncio.Lock()
        self._reader = asyncio.create_task(self._read(), name=f"ocpp-reader-{id(self)}")

    @property
    def closed(self) -> bool:
        return self._reader.done()

    async def call(
        self,
        action: str,
        payload: dict[str, Any],
        timeout: float,
    ) -> dict[str, Any]:
        """Send a CALL and wait for its answer (OCPP-J: one CALL in flight at a time)."""
        async with asyncio.timeout(timeout), self._one_in_flight:
            if self.closed:
                raise NotConnectedError("connection closed")
            message_id = str(uuid.uuid4())
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._pending[message_id] = future
            try:
                await self.ws.send(encode_call(message_id, action, payload))
                return await future
            finally:
                self._pending.pop(message_id, None)

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    async def recv_raw(self, timeout: float) -> Any:
        async with asyncio.timeout(timeout):
            return await self._unsolicited.get()

    async def close(self) -> None:
        await self.ws.close()
        await self._stop_reader()

    async def abort(self) -> None:
        """Drop the TCP connection without a closing handshake, like a lost network."""
        self.ws.transport.abort()
        await self._stop_reader()

    async def _stop_reader(self) -> None:
        try:
            async with asyncio.timeout(5):
                await asyncio.shield(self._reader)
        except TimeoutError:
            self._reader.cancel()

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                await self._dispatch(decode(text))
        except ConnectionClosed:
            pass
        finally:
            p = self.ws.protocol
            error = ConnectionClosed(p.close_rcvd, p.close_sent, p.close_rcvd_then_sent)
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(error)
            self._on_closed()

    async def _dispatch(self, frame: Any) -> None:
        if isinstance(frame, list) and len(frame) >= 3 and isinstance(frame[1], str):
            kind, message_id = frame[0], frame[1]
            future = self._pending.get(message_id)
            if future is not None and not future.done():
                if kind == CALLRESULT and isinstance(frame[2], dict):
                    future.set_result(frame[2])
                    return
                if kind == CALLERROR and len(frame) >= 4:
                    details = frame[4] if len(frame) > 4 and isinstance(frame[4], dict) else {}
                    future.set_exception(CallErrorReceived(frame[2], str(frame[3]), details))
                    return
            if kind == CALL and self._on_call is not None and len(frame) == 4:
                payload = frame[3] if isinstance(frame[3], dict) else {}
                await self._on_call(message_id, str(frame[2]), payload)
                return
        if self._unsolicited.full():
            self._unsolicited.get_nowait()
        self._unsolicited.put_nowait(frame)
