"""Failed-login throttling: after 5 failures within 15 minutes, a lockout that grows.

The rule is applied per account and per source address; both are just keys here. Failures are
the times of recent failed attempts on one key (a success clears its account's list).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
FIRST_LOCKOUT = timedelta(minutes=1)
MAX_LOCKOUT = timedelta(hours=1)
# How far back failures count towards the growth of the lockout.
MEMORY = timedelta(hours=24)


def locked_until(failures: Sequence[datetime]) -> datetime | None:
    """When the key may try again, or None if it is not locked.

    Locked once the last MAX_FAILURES failures lie within WINDOW; the lockout lasts one minute
    for the fifth failure and doubles with each further failure (up to an hour), counted from
    the last failure.
    """
    ordered = sorted(failures)
    if len(ordered) < MAX_FAILURES:
        return None
    recent = ordered[-MAX_FAILURES:]
    if recent[-1] - recent[0] > WINDOW:
        return None
    extra = len(ordered) - MAX_FAILURES
    lockout = min(FIRST_LOCKOUT * (1 << min(extra, 16)), MAX_LOCKOUT)
    last: datetime = recent[-1]
    return last + lockout


def retry_after(failures: Sequence[datetime], now: datetime) -> int | None:
    """Seconds (rounded up, at least 1) until the key may try again; None when it may now."""
    until = locked_until([f for f in failures if now - f <= MEMORY])
    if until is None or until <= now:
        return None
    return max(1, math.ceil((until - now).total_seconds()))
