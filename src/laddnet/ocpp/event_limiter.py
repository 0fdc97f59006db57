"""Bounds how many security events one source can make us write.

A flood of bad logins must be refused and reported, but must not become a way to fill the
database: per (kind, remote host) at most `burst` events are stored per `window` seconds; the
rest are counted, and the next stored event says how many were suppressed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    window_start: float
    stored: int = 0
    suppressed: int = 0


class SecurityEventLimiter:
    def __init__(
        self,
        burst: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_sources: int = 10_000,
    ) -> None:
        self._burst = burst
        self._window = window
        self._clock = clock
        self._max_sources = max_sources
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def admit(self, kind: str, source: str | None) -> int | None:
        """None to drop this event; else how many similar events were suppressed before it."""
        now = self._clock()
        key = (kind, source or "")
        bucket = self._buckets.get(key)
        if bucket is None or now - bucket.window_start >= self._window:
            suppressed = bucket.suppressed if bucket else 0
            if len(self._buckets) >= self._max_sources:
                self._forget_expired(now)
            self._buckets[key] = _Bucket(window_start=now, stored=1)
            return suppressed
        if bucket.stored >= self._burst:
            bucket.suppressed += 1
            return None
        bucket.stored += 1
        suppressed, bucket.suppressed = bucket.suppressed, 0
        return suppressed

    def _forget_expired(self, now: float) -> None:
        expired = [k for k, b in self._buckets.items() if now - b.window_start >= self._window]
        for key in expired:
            del self._buckets[key]
        if len(self._buckets) >= self._max_sources:
            self._buckets.clear()  # under a spread-out flood, forgetting beats growing
