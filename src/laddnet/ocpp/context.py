"""What a version's handlers may use: the services, settings, boot admission control and the
callbacks to stations answered Pending."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from laddnet.ocpp.boot_callback import BootCallbacks
from laddnet.ocpp.rpc import Session
from laddnet.services.bundle import Services


class BootAdmission:
    """Admits boots while they are answered promptly; the rest get Pending and retry later.

    A boot is turned away when `limit` boots are already in flight, or when the oldest of them
    has waited more than `slow_after` seconds: the database is then behind, and another boot
    would only wait longer. Counting alone is a poor proxy: a healthy server commits thousands
    of boots a second, a stalled one none.
    """

    def __init__(
        self,
        limit: int,
        slow_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._slow_after = slow_after
        self._clock = clock
        self._in_flight: dict[int, float] = {}  # ticket -> admitted at, oldest first
        self._tickets = itertools.count()

    def try_enter(self) -> int | None:
        """A ticket to hand back to `leave`, or None: answer Pending."""
        now = self._clock()
        if len(self._in_flight) >= self._limit:
            return None
        oldest = next(iter(self._in_flight.values()), None)
        if oldest is not None and now - oldest > self._slow_after:
            return None
        ticket = next(self._tickets)
        self._in_flight[ticket] = now
        return ticket

    def leave(self, ticket: int) -> None:
        self._in_flight.pop(ticket, None)

    def room(self) -> int:
        """How many boots `try_enter` would admit now (none while the oldest is slow)."""
        oldest = next(iter(self._in_flight.values()), None)
        if oldest is not None and self._clock() - oldest > self._slow_after:
            return 0
        return max(self._limit - len(self._in_flight), 0)

    def retry_interval(self) -> int:
        return random.randint(5, 30)  # noqa: S311 - jitter, not security


@dataclass
class HandlerContext:
    services: Services
    admission: BootAdmission
    heartbeat_interval: int = field(default=300)
    # Stations answered Pending, called back with TriggerMessage as admission frees up.
    boot_callbacks: BootCallbacks | None = None


Handler = Callable[[HandlerContext, Session, dict[str, Any]], Awaitable[dict[str, Any]]]
