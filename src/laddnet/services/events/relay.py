"""The outbox relay: publishes committed events to the bus, oldest first, none lost.

It wakes when the writer has committed events (a nudge from the writer thread), and on a timer
for what other processes wrote or what a crash left unpublished; it claims a batch, publishes
it, and only then lets the claim commit (see `laddnet.ports.OutboxClaims`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from laddnet.domain.errors import StorageUnavailable
from laddnet.ports import Clock, EventBus, OutboxClaims

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(minutes=1)
PRUNE_BATCH = 5_000


class OutboxRelay:
    def __init__(
        self,
        claims: OutboxClaims,
        bus: EventBus,
        clock: Clock,
        *,
        poll_interval: float,
        retention: timedelta,
        batch_size: int = 500,
        min_interval: float = 0.02,
        on_published: Callable[[], None] | None = None,
    ) -> None:
        self._claims = claims
        self._bus = bus
        self._clock = clock
        self._poll = poll_interval
        self._retention = retention
        self._batch = batch_size
        self._min_interval = min_interval  # coalesces the nudges of a busy writer
        self._on_published = on_published
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nudged = False
        self._pruned_at: datetime | None = None
        self.published = 0  # read by tests

    def nudge(self) -> None:
        """Events were committed: publish soon. Thread-safe; one wake-up per pass."""
        loop = self._loop
        if loop is None or self._nudged:
            return
        self._nudged = True
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing left to wake
            loop.call_soon_threadsafe(self._wake.set)

    async def publish_pending(self) -> int:
        """Claim and publish until nothing is left; the number published."""
        total = 0
        while True:
            async with self._claims.claim(self._batch, self._clock.now()) as events:
                for event in events:
                    await self._bus.publish(event)
            total += len(events)
            if events and self._on_published is not None:
                self._on_published()
            if len(events) < self._batch:
                self.published += total
                return total

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            self._nudged = False  # after the clear: a commit from now on wakes the next pass
            try:
                await self.publish_pending()
                await self._prune_if_due()
            except StorageUnavailable:
                log.warning("event relay: database unavailable; retrying")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            await asyncio.sleep(self._min_interval)

    async def _prune_if_due(self) -> None:
        now = self._clock.now()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        deleted = await self._claims.prune(now - self._retention, PRUNE_BATCH)
        if deleted:
            log.info("event relay: pruned %d events older than the retention", deleted)
