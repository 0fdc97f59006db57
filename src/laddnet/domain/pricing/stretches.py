"""A session cut into stretches inside which nothing the tariff looks at changes: cut at every
meter reading, charging change, current sample, wall-clock boundary of the tariff (DST-aware),
duration and energy threshold, and where the idle-fee grace period ends."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from laddnet.domain.pricing.calendar import wall_clock_instants
from laddnet.domain.pricing.restrictions import Moment
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.usage import EnergyCurve, SessionUsage

_MICROS = timedelta(microseconds=1)
_MILLION = Decimal(1_000_000)
_THOUSAND = Decimal(1000)
_KW_PER_WH_PER_S = Decimal("3.6")


@dataclass(frozen=True, slots=True)
class Stretch:
    start: datetime
    end: datetime
    seconds: Decimal
    energy_wh: Decimal
    charging: bool
    in_grace: bool  # parking inside the idle-fee grace period
    moment: Moment


def _seconds(delta: timedelta) -> Decimal:
    return Decimal(delta // _MICROS) / _MILLION


def _charging_spans(usage: SessionUsage) -> list[tuple[datetime, bool]]:
    changes = sorted((c.at, c.charging) for c in usage.charging_changes)
    return [(usage.start, True)] + [(at, c) for at, c in changes if usage.start < at < usage.stop]


def _grace_end(spans: list[tuple[datetime, bool]], stop: datetime, grace: int) -> datetime | None:
    """The instant the first `grace` seconds of parking are used up, if within the session."""
    left = timedelta(seconds=grace)
    for i, (at, charging) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else stop
        if charging or end <= at:
            continue
        if end - at > left:
            return at + left
        left -= end - at
    return None


def cut_points(tariff: Tariff, usage: SessionUsage, zone: ZoneInfo, curve: EnergyCurve,
               spans: list[tuple[datetime, bool]]) -> list[datetime]:  # fmt: skip
    start, stop = usage.start, usage.stop
    points = {start, stop}
    points.update(at for at, _ in spans)
    points.update(t for t in curve.times() if start < t < stop)
    points.update(c.at for c in usage.currents if start < c.at < stop)
    restrictions = [e.restrictions for e in tariff.elements if e.restrictions is not None]
    clocks = [t for r in restrictions for t in (r.start_time, r.end_time) if t is not None]
    points.update(wall_clock_instants(zone, start, stop, clocks))
    e0 = curve.at(start)
    for r in restrictions:
        for seconds in (r.min_duration, r.max_duration):
            if seconds is not None and start + timedelta(seconds=seconds) < stop:
                points.add(start + timedelta(seconds=seconds))
        for kwh in (r.min_kwh, r.max_kwh):
            if kwh is not None:
                level = e0 + kwh * _THOUSAND
                points.update(t for t in curve.crossings(level) if start < t < stop)
    if tariff.parking_grace_seconds:
        end = _grace_end(spans, stop, tariff.parking_grace_seconds)
        if end is not None:
            points.add(end)
    return sorted(points)


def stretches(tariff: Tariff, usage: SessionUsage, zone: ZoneInfo) -> Iterator[Stretch]:
    curve = EnergyCurve(usage.readings)
    spans = _charging_spans(usage)
    points = cut_points(tariff, usage, zone, curve, spans)
    span_times = [at for at, _ in spans]
    currents = sorted((c.at, c.amps) for c in usage.currents)
    current_times = [at for at, _ in currents]
    grace = tariff.parking_grace_seconds
    e0 = curve.at(usage.start)
    parked = Decimal(0)
    energy = [curve.at(p) for p in points]
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        seconds = _seconds(b - a)
        wh = energy[i + 1] - energy[i]
        mid = a + (b - a) / 2
        charging = spans[bisect_right(span_times, a) - 1][1]
        c = bisect_right(current_times, mid)
        moment = Moment(
            local=mid.astimezone(zone),
            kwh=(curve.at(mid) - e0) / _THOUSAND,
            power_kw=wh * _KW_PER_WH_PER_S / seconds if seconds else Decimal(0),
            current_a=currents[c - 1][1] if c else None,
            seconds=_seconds(mid - usage.start),
        )
        in_grace = not charging and parked < grace
        if not charging:
            parked += seconds
        yield Stretch(a, b, seconds, wh, charging, in_grace, moment)
