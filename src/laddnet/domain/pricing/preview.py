"""A described session (start, stop, energy, optionally a power profile and when charging
ended) turned into the usage the engine prices, so a preview answers what a CDR would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.usage import ChargingChange, Reading, SessionUsage

_WH_PER_KWH = Decimal(1000)
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True, slots=True)
class PowerStep:
    """From `at` on (until the next step, or charging ends), the car draws `kw`."""

    at: datetime
    kw: Decimal


@dataclass(frozen=True, slots=True)
class DescribedSession:
    start: datetime
    stop: datetime
    energy_kwh: Decimal | None = None
    charging_ended_at: datetime | None = None
    profile: tuple[PowerStep, ...] = ()


def usage_of(described: DescribedSession) -> SessionUsage:
    """Energy spread evenly over the charging time, or integrated from the profile."""
    start, stop = described.start, described.stop
    if stop < start:
        raise InvalidInput("stop: must not be before start")
    ended = described.charging_ended_at or stop
    if not start <= ended <= stop:
        raise InvalidInput("charging_ended_at: must lie between start and stop")
    changes = (ChargingChange(ended, False),) if ended < stop else ()
    if described.profile:
        if described.energy_kwh is not None:
            raise InvalidInput("energy_kwh: give either energy_kwh or a profile, not both")
        return SessionUsage(start, stop, _integrate(described.profile, start, ended), changes)
    if described.energy_kwh is None or described.energy_kwh < 0:
        raise InvalidInput("energy_kwh: the energy charged in kWh, zero or more")
    wh = described.energy_kwh * _WH_PER_KWH
    return SessionUsage(start, stop, (Reading(start, Decimal(0)), Reading(ended, wh)), changes)


def _integrate(
    profile: tuple[PowerStep, ...], start: datetime, ended: datetime
) -> tuple[Reading, ...]:
    steps = sorted(profile, key=lambda s: s.at)
    if steps[0].at != start:
        raise InvalidInput("profile.0.at: the profile starts when the session starts")
    readings = [Reading(start, Decimal(0))]
    wh = Decimal(0)
    for n, step in enumerate(steps):
        if step.kw < 0:
            raise InvalidInput(f"profile.{n}.power_kw: zero or more")
        if step.at >= ended:
            break
        until = min(steps[n + 1].at, ended) if n + 1 < len(steps) else ended
        seconds = Decimal(int((until - step.at).total_seconds() * 1_000_000)) / 1_000_000
        wh += step.kw * _WH_PER_KWH * seconds / _SECONDS_PER_HOUR
        readings.append(Reading(until, wh))
    return tuple(readings)
