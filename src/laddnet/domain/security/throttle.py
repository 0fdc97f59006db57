"""Failed logins counted per key (a station id, a source address) in a sliding window: a key
with `limit` failures within `window` seconds is throttled until the oldest of them ages out.
Times are monotonic seconds handed in by the caller (no clock read here).

The connection-rate limits count every station's connections this way, so there is a key per
station: each holds a short list (not a deque, 600 bytes more each), and keys whose last time
has aged out are dropped as new times come in, oldest first."""

from __future__ import annotations


class FailureWindow:
    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._failures: dict[str, list[float]] = {}  # oldest last time first

    def __len__(self) -> int:
        return len(self._failures)

    def failed(self, key: str, now: float) -> None:
        times = self._failures.pop(key, None)  # re-inserted: the dict stays oldest-first
        if times is None:
            times = []
            self._forget_quiet(now)
        times.append(now)
        if len(times) > self._limit:
            del times[0]
        self._failures[key] = times

    def throttled(self, key: str, now: float) -> bool:
        times = self._failures.get(key)
        if times is None:
            return False
        aged = 0
        while aged < len(times) and now - times[aged] >= self._window:
            aged += 1
        if aged:
            del times[:aged]
        if not times:
            del self._failures[key]
            return False
        return len(times) >= self._limit

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until the key is no longer throttled (0 if it is not)."""
        if not self.throttled(key, now):
            return 0.0
        return self._window - (now - self._failures[key][0])

    def _forget_quiet(self, now: float) -> None:
        """Drop the keys whose last time is a window old (they throttle nothing), and the
        longest-quiet one if the keys are still at their bound."""
        failures = self._failures
        while failures:
            key = next(iter(failures))
            if now - failures[key][-1] < self._window:
                break
            del failures[key]
        if len(failures) >= self._max_keys:
            del failures[next(iter(failures))]
