"""WebSocket keepalive for every connection from one timer: dead connections are found, pings
are spread, and an idle connection holds no timer of its own.

websockets' own keepalive pings each connection `ping_interval` after it opened. After a
reconnect storm (10,000 stations in ~15 s) every station is then pinged within the same 15 s of
each minute: at the busy hour that burst alone pushed the p99 latency from 13 ms to 50-130 ms.
Here the first ping comes after a random part of the interval, then one per interval, so a
dead connection is still found within `interval + timeout` (then dropped).

The connections wait in the slots of a timing wheel that one timer turns. A timer per
connection (and a pong timeout per ping) is 20,000+ objects at 10,000 stations, each living
tens of seconds: objects that every young garbage collection walks (docs/performance.md).
The wheel turns ten times a second: at one tick a second the ~170 pings of a tick (10,000
stations) went out and came back in one burst, and the server kept 3 KiB more per station.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import random

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

log = logging.getLogger(__name__)

# Timers and tasks run in one shared, empty context rather than a copy of the caller's for each.
_CONTEXT = contextvars.Context()
MAX_TICK = 0.1  # seconds: pings go out a few at a time, not in bursts of one second


class Pinged:
    """One connection in the wheel."""

    __slots__ = ("answered", "on_pong", "slot", "task", "waiting", "ws")

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.slot = 0
        self.waiting = False  # a ping is out; the slot is its pong deadline
        self.answered = False
        self.task: asyncio.Task[None] | None = None  # sending the ping (ends once it is sent)
        self.on_pong = self._on_pong  # bound once, not once per ping

    def _on_pong(self, pong: asyncio.Future[float]) -> None:
        self.answered = not pong.cancelled() and pong.exception() is None


class KeepAlive:
    """Ping every connection `add`ed every `interval` s; abort one whose pong takes longer
    than `timeout` s. `start` and `stop` on the event loop."""

    def __init__(self, interval: float, timeout: float) -> None:
        self._interval = interval
        self._timeout = timeout
        self._tick = min(MAX_TICK, interval / 20, timeout / 20)
        slots = math.ceil(max(interval, timeout) / self._tick) + 2
        self._slots: list[set[Pinged]] = [set() for _ in range(slots)]
        self._spare: set[Pinged] = set()
        self._now = 0  # the slot of the current tick
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._next_at = 0.0

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._next_at = self._loop.time() + self._tick
        self._timer = self._loop.call_at(self._next_at, self._turn, context=_CONTEXT)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for slot in self._slots:
            for pinged in slot:
                if pinged.task is not None:
                    pinged.task.cancel()
            slot.clear()

    def add(self, ws: ServerConnection) -> Pinged:
        """Start pinging `ws`: the first ping after a random part of the interval."""
        pinged = Pinged(ws)
        self._place(pinged, random.uniform(0, self._interval))  # noqa: S311 - a phase, not a secret
        return pinged

    def remove(self, pinged: Pinged) -> None:
        self._slots[pinged.slot].discard(pinged)
        if pinged.task is not None:
            pinged.task.cancel()

    def __len__(self) -> int:
        return sum(len(slot) for slot in self._slots)

    def _place(self, pinged: Pinged, delay: float) -> None:
        ticks = min(max(1, math.ceil(delay / self._tick)), len(self._slots) - 1)
        pinged.slot = (self._now + ticks) % len(self._slots)
        self._slots[pinged.slot].add(pinged)

    def _turn(self) -> None:
        assert self._loop is not None
        self._now = (self._now + 1) % len(self._slots)
        due = self._slots[self._now]
        self._slots[self._now] = self._spare
        for pinged in due:
            if not pinged.waiting:
                self._ping(pinged)
            elif pinged.answered:
                pinged.waiting = False
                self._place(pinged, self._interval - self._timeout)
            else:
                # A peer that answers no ping will not answer a closing handshake either.
                log.info("no pong within %.0f s: dropping the connection", self._timeout)
                pinged.ws.transport.abort()
        due.clear()
        self._spare = due  # reused: turning the wheel makes no new set
        self._next_at += self._tick  # on a schedule: a late turn is caught up at once
        self._timer = self._loop.call_at(self._next_at, self._turn, context=_CONTEXT)

    def _ping(self, pinged: Pinged) -> None:
        assert self._loop is not None
        pinged.waiting, pinged.answered = True, False
        pinged.task = self._loop.create_task(_send_ping(pinged), context=_CONTEXT)
        self._place(pinged, self._timeout)


async def _send_ping(pinged: Pinged) -> None:
    try:
        pong = asyncio.ensure_future(await pinged.ws.ping())  # websockets' own future
    except ConnectionClosed:
        return  # the connection's handler removes it
    finally:
        pinged.task = None
    pong.add_done_callback(pinged.on_pong)
