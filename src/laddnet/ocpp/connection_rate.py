"""Connection-rate limits, checked before the WebSocket upgrade: per source address (every
attempt, before any password check) and per station id (counted once the login succeeded, so
that nobody without the station's password can use up its share and lock it out).

Over a limit, the attempt is refused with 429 and Retry-After (and a `connection_rate_limited`
security event, subject to the per-source event limiter); refused attempts are not counted, so
a station that backs off gets in as soon as its oldest counted connection ages out of the
window. The counts are kept per process (per gateway worker): with N gateway processes behind
a load balancer a station may open up to N times the limit; a shared count would cost a
database write per connection attempt, which is what the limit is meant to keep cheap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from http import HTTPStatus

from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.throttle import FailureWindow
from laddnet.ocpp.security import Refusal


class ConnectionRateLimit:
    def __init__(
        self,
        per_station: int,
        per_address: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ids = FailureWindow(per_station, window) if per_station > 0 else None
        self._addresses = FailureWindow(per_address, window) if per_address > 0 else None
        self._clock = clock

    def by_address(self, host: str | None) -> Refusal | None:
        """A refusal if this address has opened its share of connections within the window;
        else the attempt is counted and None returned."""
        return _admit(self._addresses, host or "-", self._clock(), "address", host)

    def by_station(self, station_id: str | None) -> Refusal | None:
        """The same for a station id whose login succeeded."""
        if station_id is None:
            return None
        return _admit(self._ids, station_id, self._clock(), "station id", station_id)


def _admit(
    window: FailureWindow | None, key: str, now: float, what: str, shown: str | None
) -> Refusal | None:
    if window is None:
        return None
    wait = window.retry_after(key, now)
    if wait <= 0:
        window.failed(key, now)  # counted: the window's "failures" are connections here
        return None
    return Refusal(
        HTTPStatus.TOO_MANY_REQUESTS,
        "too many connections; retry later",
        SecurityEventKind.CONNECTION_RATE_LIMITED,
        detail=f"connection rate limit of the {what} {shown} reached",
        retry_after=max(1, math.ceil(wait)),
    )
