"""Automatic reconnection with capped exponential backoff and jitter."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from websockets.exceptions import InvalidHandshake

log = logging.getLogger(__name__)


class Reconnector:
    """Runs `reconnect` until it succeeds, waiting base, 2·base, 4·base … (≤ cap) in between."""

    def __init__(
        self, reconnect: Callable[[], Awaitable[None]], base: float = 0.5, cap: float = 30.0
    ) -> None:
        self._reconnect = reconnect
        self.base, self.cap = base, cap
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def trigger(self) -> None:
        if not self.running:
            self._task = asyncio.create_task(self._run(), name="sim-reconnect")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        delay = self.base
        while True:
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            try:
                await self._reconnect()
            except (OSError, TimeoutError, InvalidHandshake) as exc:
                log.info("reconnect failed (%r), next try in ≤ %.1f s", exc, delay)
                delay = min(delay * 2, self.cap)
            else:
                return
