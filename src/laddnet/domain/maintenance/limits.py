"""A sliding-window rate limit, for what anyone may send without an account (problem reports)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class RateLimit:
    """At most `limit` events per key within `window`. Keys are forgotten once their window is
    empty, so memory follows the recent senders, not all of them."""

    limit: int
    window: timedelta
    _seen: dict[str, deque[datetime]] = field(default_factory=dict)

    def allow(self, key: str, now: datetime) -> bool:
        """Count an event for `key` at `now` if the limit allows it; whether it did."""
        times = self._seen.setdefault(key, deque())
        start = now - self.window
        while times and times[0] <= start:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self._seen) > 10_000:
            self._forget(start)
        return True

    def _forget(self, start: datetime) -> None:
        for key in [k for k, t in self._seen.items() if not t or t[-1] <= start]:
            del self._seen[key]
