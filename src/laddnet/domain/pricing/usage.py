"""What a session used, as the engine needs it: the energy register over station time, when the
car was charging, and (if the station reported it) the current drawn.

The energy at any instant is interpolated linearly between the two register readings around
it (and held after the last one), so energy is split between periods at their boundaries.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from laddnet.domain.errors import InvalidInput

_MICROS = timedelta(microseconds=1)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reading:
    """The energy register (Wh) at a station timestamp."""

    at: datetime
    wh: Decimal


@dataclass(frozen=True, slots=True)
class ChargingChange:
    """From `at` on, the car is charging (True) or only connected (False)."""

    at: datetime
    charging: bool


@dataclass(frozen=True, slots=True)
class CurrentSample:
    """The current (A, summed over phases) from `at` until the next sample."""

    at: datetime
    amps: Decimal


@dataclass(frozen=True, slots=True)
class SessionUsage:
    """A session from start to stop (aware datetimes, station time). Without a charging change
    the car charges the whole session; with one, it charges until the first change says not."""

    start: datetime
    stop: datetime
    readings: tuple[Reading, ...]
    charging_changes: tuple[ChargingChange, ...] = ()
    currents: tuple[CurrentSample, ...] = ()

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.stop.tzinfo is None:
            raise InvalidInput("start and stop: need a time zone")
        if self.stop < self.start:
            raise InvalidInput("stop: must not be before start")


class EnergyCurve:
    """The register as a function of time: linear between readings, held outside them."""

    def __init__(self, readings: Sequence[Reading]) -> None:
        ordered = sorted(readings, key=lambda r: (r.at, r.wh))
        self._times = [r.at for r in ordered]
        self._wh = [r.wh for r in ordered]

    def at(self, when: datetime) -> Decimal:
        times = self._times
        if not times:
            return Decimal(0)
        i = bisect_right(times, when)
        if i == 0:
            return self._wh[0]
        if i == len(times):
            return self._wh[-1]
        t0, t1 = times[i - 1], times[i]
        e0, e1 = self._wh[i - 1], self._wh[i]
        if when == t0 or e0 == e1:
            return e0
        return e0 + (e1 - e0) * Decimal((when - t0) // _MICROS) / Decimal((t1 - t0) // _MICROS)

    def times(self) -> list[datetime]:
        return list(self._times)

    def crossings(self, level: Decimal) -> list[datetime]:
        """Instants where the register first reaches `level` within a rising stretch."""
        out = []
        for i in range(1, len(self._times)):
            e0, e1 = self._wh[i - 1], self._wh[i]
            if e0 < level <= e1:
                t0, t1 = self._times[i - 1], self._times[i]
                micros = Decimal((t1 - t0) // _MICROS) * (level - e0) / (e1 - e0)
                out.append(t0 + int(micros.to_integral_value()) * _MICROS)
        return out


def step_value(changes: Sequence[tuple[datetime, T]], when: datetime, default: T) -> T:
    """The value of a step function (sorted (time, value) pairs) at `when`."""
    i = bisect_right([at for at, _ in changes], when)
    return default if i == 0 else changes[i - 1][1]
