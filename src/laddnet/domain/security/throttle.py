"""Failed station logins counted per key (a station id, a source address) in a sliding
window: a key with `limit` failures within `window` seconds is throttled until the oldest of
them ages out. Times are monotonic seconds handed in by the caller (no clock read here)."""

from __future__ import annotations

from collections import deque


class FailureWindow:
    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def failed(self, key: str, now: float) -> None:
        times = self._failures.pop(key, None)  # re-inserted: the dict stays oldest-first
        if times is None:
            times = deque(maxlen=self._limit)
            if len(self._failures) >= self._max_keys:  # forget the longest-quiet key
                del self._failures[next(iter(self._failures))]
        times.append(now)
        self._failures[key] = times

    def throttled(self, key: str, now: float) -> bool:
        times = self._failures.get(key)
        if times is None:
            return False
        while times and now - times[0] >= self._window:
            times.popleft()
        if not times:
            del self._failures[key]
            return False
        return len(times) >= self._limit

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until the key is no longer throttled (0 if it is not)."""
        if not self.throttled(key, now):
            return 0.0
        return self._window - (now - self._failures[key][0])
