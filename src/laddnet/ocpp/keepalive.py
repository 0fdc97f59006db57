"""WebSocket keepalive with a random phase: dead connections are found, and pings are spread.

websockets' own keepalive pings each connection `ping_interval` after it opened. After a
reconnect storm (10,000 stations in ~15 s) every station is then pinged within the same 15 s of
each minute: at the busy hour that burst alone pushed the p99 latency from 13 ms to 50-130 ms.
Here the first ping comes after a random part of the interval, then one per interval, so a
dead connection is still found within `interval + timeout` (then dropped within close_timeout).
"""

from __future__ import annotations

import asyncio
import logging
import random

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

log = logging.getLogger(__name__)


async def keep_alive(ws: ServerConnection, interval: float, timeout: float) -> None:
    """Ping until the connection closes; abort it when a pong takes longer than `timeout`."""
    delay = random.uniform(0, interval)  # noqa: S311 - a phase, not a secret
    while True:
        await asyncio.sleep(delay)
        try:
            pong = await ws.ping()
            async with asyncio.timeout(timeout):
                latency = await pong
        except ConnectionClosed:
            return
        except TimeoutError:
            # A peer that answers no ping will not answer a closing handshake either.
            log.info("no pong within %.0f s: dropping the connection", timeout)
            ws.transport.abort()
            return
        delay = max(interval - latency, 0.0)
