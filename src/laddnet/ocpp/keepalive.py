"""WebSocket keepalive with a random phase: dead connections are found, and pings are spread.

websockets' own keepalive pings each connection `ping_interval` after it opened. After a
reconnect storm (10,000 stations in ~15 s) every station is then pinged within the same 15 s of
each minute: at the busy hour that burst alone pushed the p99 latency from 13 ms to 50-130 ms.
Here the first ping comes after a random part of the interval, then one per interval, so a
dead connection is still found within `interval + timeout` (then dropped within close_timeout).

Between pings a station holds only a timer: no sleeping coroutine, future and callback, which at
10,000 stations would be tens of thousands more objects for every young GC collection to walk.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import random

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

log = logging.getLogger(__name__)

# Timers run in one shared, empty context rather than a copy of the caller's for each timer.
_CONTEXT = contextvars.Context()


class KeepAlive:
    """Ping until the connection closes or `stop()`; abort it when a pong takes longer than
    `timeout`."""

    def __init__(self, ws: ServerConnection, interval: float, timeout: float) -> None:
        self._ws = ws
        self._interval = interval
        self._timeout = timeout
        self._loop = asyncio.get_running_loop()
        self._ping_task: asyncio.Task[None] | None = None
        delay = random.uniform(0, interval)  # noqa: S311 - a phase, not a secret
        self._timer: asyncio.TimerHandle | None = self._later(delay)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._ping_task is not None:
            self._ping_task.cancel()

    def _later(self, delay: float) -> asyncio.TimerHandle:
        return self._loop.call_later(delay, self._start_ping, context=_CONTEXT)

    def _start_ping(self) -> None:
        self._timer = None
        self._ping_task = self._loop.create_task(self._ping())

    async def _ping(self) -> None:
        try:
            pong = await self._ws.ping()
            async with asyncio.timeout(self._timeout):
                latency = await pong
        except ConnectionClosed:
            return
        except TimeoutError:
            # A peer that answers no ping will not answer a closing handshake either.
            log.info("no pong within %.0f s: dropping the connection", self._timeout)
            self._ws.transport.abort()
            return
        finally:
            self._ping_task = None
        self._timer = self._later(max(self._interval - latency, 0.0))
