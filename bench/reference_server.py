"""A minimal OCPP responder: the baseline Laddnet's gateway is measured against.

No validation, no storage, no auth check: every CALL gets the smallest valid answer at once.
Run `python bench/reference_server.py --port 0`; it prints `READY <port>` when listening.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

# (station id, action, payload) -> False to leave the CALL unanswered (tests use this)
CallHook = Callable[[str, str, dict[str, Any]], bool]
_transaction_ids = itertools.count(1)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def answer(action: str, version: str) -> dict[str, Any]:
    """The minimal valid CALLRESULT payload for `action`."""
    if action == "BootNotification":
        return {"status": "Accepted", "currentTime": _now(), "interval": 300}
    if action == "Heartbeat":
        return {"currentTime": _now()}
    if action == "StartTransaction":
        return {"transactionId": next(_transaction_ids), "idTagInfo": {"status": "Accepted"}}
    if action == "Authorize":
        key = "idTagInfo" if version == "ocpp1.6" else "idTokenInfo"
        return {key: {"status": "Accepted"}}
    if action == "DataTransfer":
        return {"status": "Accepted"}
    return {}


async def _handle(ws: ServerConnection, on_call: CallHook | None) -> None:
    station_id = ws.request.path.rsplit("/", 1)[-1] if ws.request is not None else ""
    version = ws.subprotocol or "ocpp1.6"
    try:
        async for text in ws:
            try:
                frame = orjson.loads(text)
            except orjson.JSONDecodeError:
                continue
            if not (isinstance(frame, list) and len(frame) == 4 and frame[0] == 2):
                continue
            _, message_id, action, payload = frame
            if on_call is not None and on_call(station_id, action, payload) is False:
                continue
            await ws.send(orjson.dumps([3, message_id, answer(action, version)]).decode())
    except ConnectionClosed:
        pass


async def serve_reference(
    host: str, port: int, *, on_call: CallHook | None = None, backlog: int = 4096
) -> Server:
    """Start listening; close with `server.close(); await server.wait_closed()`."""
    return await serve(
        lambda ws: _handle(ws, on_call),
        host,
        port,
        subprotocols=["ocpp1.6", "ocpp2.0.1"],  # type: ignore[list-item]
        compression=None,
        ping_interval=None,
        backlog=backlog,
    )


async def _main(host: str, port: int) -> None:
    server = await serve_reference(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(_main(args.host, args.port))
