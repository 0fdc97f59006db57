"""A station waiting between CALLs holds no parsed payload: at 10,000 stations that memory was
about a quarter of the server's (docs/performance.md)."""

from __future__ import annotations

import asyncio
import gc
import inspect
from typing import Any, cast

import orjson
from websockets.asyncio.server import ServerConnection

from laddnet.ocpp.errors import V16
from laddnet.ocpp.rpc import Connection, Session


class _Socket:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.answered = asyncio.Event()

    async def send(self, message: str) -> None:
        self.sent.append(message)
        self.answered.set()


async def test_nothing_keeps_the_payload_once_it_is_answered() -> None:
    handled: list[dict[str, Any]] = []

    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        handled.append(payload)
        return {}

    socket = _Socket()
    session = Session(station_id="CP-1", subprotocol=V16, accepted=True)
    connection = Connection(cast(ServerConnection, socket), session, dispatch, call_timeout=5)
    status = {"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "x" * 50}
    frame = [2, "m-1", "StatusNotification", status]
    await connection._on_frame(orjson.dumps(frame))
    await socket.answered.wait()
    await asyncio.sleep(0)  # the handler task has ended: the station is idle again

    task = asyncio.current_task()
    assert task is not None
    me = (handled, inspect.currentframe(), task.get_coro())  # this test holds it too
    holders = [r for r in gc.get_referrers(handled[0]) if not any(r is m for m in me)]
    assert holders == []
    assert orjson.loads(socket.sent[0]) == [3, "m-1", {}]
    assert connection._handler is None
