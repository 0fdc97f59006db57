"""Uptime, as the US NEVI rule (23 CFR 680.116) counts it: a connector is up while it could
charge (its service status would be `available` or `in_use`); time in maintenance mode and
outages outside the operator's control are excluded from the count; uptime is up / (up + down).

Status changes are placed at the station's own timestamps (a change reported late counts from
when it happened); connection changes at Laddnet's. Periods given as dates are the site's local
days, so a day across a daylight-saving change has 23 or 25 hours. Pure: timelines in, figures
out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from laddnet.domain.errors import InvalidInput
from laddnet.domain.maintenance.service_status import has_error
from laddnet.domain.stations.model import ConnectorStatus

_CAN_CHARGE = frozenset(
    {ConnectorStatus.AVAILABLE, ConnectorStatus.OCCUPIED, ConnectorStatus.RESERVED}
)
_OUT = frozenset({ConnectorStatus.UNAVAILABLE, ConnectorStatus.FAULTED})


@dataclass(frozen=True, slots=True)
class Reading:
    """A reported status from `at` on (the station's time)."""

    at: datetime
    status: ConnectorStatus
    error_code: str | None = None


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime | None  # None: still going on

    def covers(self, t: datetime) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


@dataclass(frozen=True, slots=True)
class Figures:
    """Time up, down, excluded and unknown (before the connector's first report)."""

    up: timedelta = timedelta(0)
    down: timedelta = timedelta(0)
    excluded: timedelta = timedelta(0)
    unknown: timedelta = timedelta(0)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.up + other.up,
            self.down + other.down,
            self.excluded + other.excluded,
            self.unknown + other.unknown,
        )

    @property
    def percent(self) -> Decimal | None:
        """Uptime in percent to two decimals (None when nothing counted)."""
        counted = self.up + self.down
        if not counted:
            return None
        ratio = (
            Decimal(int(self.up.total_seconds() * 1000))
            * 100
            / Decimal(int(counted.total_seconds() * 1000))
        )
        return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def minutes(span: timedelta) -> Decimal:
    seconds = Decimal(int(span.total_seconds() * 1000)) / 1000
    return (seconds / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class ConnectorTimelines:
    """What decides whether one connector could charge, each sorted by time; the first entries
    may lie before the period (the state it starts in)."""

    connector: Sequence[Reading]
    evse: Sequence[Reading] = ()  # the EVSE's own availability
    station: Sequence[Reading] = ()  # the whole station's availability
    presence: Sequence[tuple[datetime, bool]] = ()  # (when, connected); none known: connected
    excluded: Sequence[Interval] = ()  # maintenance mode and outages outside our control


class _Lookup:
    """The reading in force at a time, by binary search over the timeline's times."""

    def __init__(self, timeline: Sequence[Reading]) -> None:
        self._timeline = timeline
        self._times = [r.at for r in timeline]

    def at(self, t: datetime) -> Reading | None:
        i = bisect_right(self._times, t)
        return self._timeline[i - 1] if i else None


def _blocks(reading: Reading | None) -> bool:
    return reading is not None and (reading.status in _OUT or has_error(reading.error_code))


def connector_uptime(start: datetime, end: datetime, t: ConnectorTimelines) -> Figures:
    """How long in [start, end) the connector was up, down, excluded or unknown."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise InvalidInput("the period must end after it starts")
    marks = {start, end}
    for timeline in (t.connector, t.evse, t.station):
        marks.update(r.at for r in timeline if start < r.at < end)
    marks.update(p[0] for p in t.presence if start < p[0] < end)
    for iv in t.excluded:
        marks.update(x for x in (iv.start, iv.end) if x is not None and start < x < end)
    points = sorted(marks)
    connector, evse, station = _Lookup(t.connector), _Lookup(t.evse), _Lookup(t.station)
    presence_times = [p[0] for p in t.presence]
    figures = Figures()
    for a, b in pairwise(points):
        span = b - a
        own = connector.at(a)
        i = bisect_right(presence_times, a)
        connected = t.presence[i - 1][1] if i else True
        if any(iv.covers(a) for iv in t.excluded):
            figures += Figures(excluded=span)
        elif own is None:
            figures += Figures(unknown=span)
        elif (
            connected
            and own.status in _CAN_CHARGE
            and not has_error(own.error_code)
            and not _blocks(evse.at(a))
            and not _blocks(station.at(a))
        ):
            figures += Figures(up=span)
        else:
            figures += Figures(down=span)
    return figures


def parse_bound(text: str, zone: str, name: str) -> datetime:
    """A period bound: a date (midnight at its start in `zone`) or a datetime with an offset."""
    try:
        if len(text) == 10:
            local = datetime.combine(date.fromisoformat(text), time(0), ZoneInfo(zone))
            return local.astimezone(UTC)  # in UTC: arithmetic on one zone's times is wall-clock
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: not a date (2026-03-01) or a time with an offset") from None
    if moment.tzinfo is None:
        raise InvalidInput(f"{name}: a time needs an offset (e.g. 2026-03-01T00:00:00+01:00)")
    return moment.astimezone(UTC)
