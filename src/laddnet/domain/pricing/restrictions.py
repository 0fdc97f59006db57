"""Whether an element's restrictions hold for a stretch of a session (OCPI 2.2.1 semantics:
every given restriction must hold; min_* inclusive, max_* and end_* exclusive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from laddnet.domain.pricing.tariff import WEEKDAYS, Restrictions

_MIDNIGHT = time(0, 0)


@dataclass(frozen=True, slots=True)
class Moment:
    """A stretch of a session seen at its middle: nothing a restriction looks at changes inside
    it, so the middle decides for the whole stretch (and a boundary never sits on it)."""

    local: datetime  # the site's wall clock
    kwh: Decimal  # energy since the session started
    power_kw: Decimal | None  # the average power; None when no energy was metered around it
    current_a: Decimal | None  # None when the station reported no current
    seconds: Decimal  # since the session started


def _within(value: Decimal | int, low: Decimal | int | None, high: Decimal | int | None) -> bool:
    return (low is None or value >= low) and (high is None or value < high)


def time_of_day_holds(start: time | None, end: time | None, clock: time) -> bool:
    if start is None and end is None:
        return True
    if end is None or end == _MIDNIGHT:
        return start is None or clock >= start
    if start is None:
        return clock < end
    if start < end:
        return start <= clock < end
    return clock >= start or clock < end  # wraps past midnight


def holds(r: Restrictions | None, at: Moment) -> bool:
    if r is None:
        return True
    local = at.local
    if r.day_of_week and WEEKDAYS[local.weekday()] not in r.day_of_week:
        return False
    if not time_of_day_holds(r.start_time, r.end_time, local.time()):
        return False
    day = local.date()
    if (r.start_date is not None and day < r.start_date) or (
        r.end_date is not None and day >= r.end_date
    ):
        return False
    if not _within(at.kwh, r.min_kwh, r.max_kwh):
        return False
    if not _within(at.seconds, r.min_duration, r.max_duration):
        return False
    if (r.min_power is not None or r.max_power is not None) and (
        at.power_kw is None or not _within(at.power_kw, r.min_power, r.max_power)
    ):
        return False
    return (r.min_current is None and r.max_current is None) or (
        at.current_a is not None and _within(at.current_a, r.min_current, r.max_current)
    )
