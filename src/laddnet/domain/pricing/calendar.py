"""Where the site's wall clock crosses a boundary, as UTC instants, through DST changes.

A restriction on local time (start_time, end_time, a date, a weekday) can only change its
answer where the wall clock reaches one of its boundary times or jumps (a DST change). Both
readings of an ambiguous local time (fold 0 and 1) are returned, and every UTC offset change
is found, so evaluating restrictions by the wall clock between these instants is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)


def offset_changes(zone: ZoneInfo, start: datetime, stop: datetime) -> list[datetime]:
    """The UTC instants in [start, stop] at which the zone's UTC offset changes."""
    out = []
    probe = start
    while probe < stop:
        nxt = min(probe + _DAY / 2, stop)
        if probe.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            low, high = probe, nxt  # the change is in (low, high]
            while high - low > _MICROSECOND:
                mid = low + (high - low) / 2
                if mid.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = mid
                else:
                    high = mid
            out.append(high)
        probe = nxt
    return out


def wall_clock_instants(
    zone: ZoneInfo, start: datetime, stop: datetime, times: Iterable[time]
) -> list[datetime]:
    """Every UTC instant in (start, stop) at which the wall clock shows one of `times` (always
    midnight too), plus the offset changes."""
    wanted = sorted({time(0, 0), *times})
    first = start.astimezone(zone).date() - _DAY
    last = stop.astimezone(zone).date() + _DAY
    out: set[datetime] = set(offset_changes(zone, start, stop))
    day = first
    while day <= last:
        for clock in wanted:
            for fold in (0, 1):
                local = datetime.combine(day, clock, tzinfo=zone).replace(fold=fold)
                instant = local.astimezone(UTC)
                if start < instant < stop:
                    out.add(instant)
        day += _DAY
    return sorted(out)
