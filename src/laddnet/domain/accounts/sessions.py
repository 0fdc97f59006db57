"""When a login session ends: after an idle time without requests, or at an absolute limit."""

from __future__ import annotations

from datetime import datetime, timedelta

# A request refreshes the session's last-use time at most this often (one write per minute).
TOUCH_INTERVAL = timedelta(minutes=1)


def session_expired(
    created_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    *,
    idle: timedelta,
    absolute: timedelta,
) -> bool:
    return now - last_seen_at > idle or now - created_at > absolute


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_INTERVAL
