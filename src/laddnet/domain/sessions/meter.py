"""Meter-value sanity checks: units normalized, registers monotonic, jumps plausible.

A reading that fails a check is never billed; it is flagged so a person can review it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from laddnet.domain.errors import InvalidInput
from laddnet.domain.sessions.model import ENERGY_REGISTER, Anomaly, MeterSample, RegisterReading

_KILO = {"kWh": "Wh", "kW": "W"}
_KILO_FACTOR = Decimal(1000)
# A reading may exceed the plausible energy by this much (meter resolution, clock skew).
_JUMP_SLACK_WH = Decimal(100)
SECONDS_PER_HOUR = Decimal(3600)


def parse_decimal(text: str | int | float) -> Decimal:
    """Parse a meter value exactly as sent (OCPP 1.6 sends strings, 2.0.1 numbers)."""
    try:
        value = Decimal(text if type(text) is str else str(text))
    except InvalidOperation as exc:
        raise InvalidInput(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise InvalidInput(f"not a finite number: {text!r}")
    return value


def normalize(value: Decimal, unit: str | None, multiplier: int = 0) -> tuple[Decimal, str]:
    """Return (value, unit) with kWh→Wh and kW→W and the 2.0.1 power-of-ten multiplier applied."""
    scaled = value.scaleb(multiplier) if multiplier else value
    if unit is None:
        return scaled, ""
    if unit in _KILO:
        return scaled * _KILO_FACTOR, _KILO[unit]
    return scaled, unit


@dataclass(slots=True)
class EnergyAssessment:
    """The billable energy of a session and the readings kept out of it."""

    energy_wh: Decimal
    last: RegisterReading | None
    anomalies: list[Anomaly] = field(default_factory=list)


def check_step(
    previous: RegisterReading, reading: RegisterReading, max_power_w: int
) -> Anomaly | None:
    """Check one register step; None if it is plausible."""
    if reading.wh < 0:
        return Anomaly.NEGATIVE_VALUE
    if reading.wh < previous.wh:
        return Anomaly.REGISTER_DECREASED
    seconds = Decimal(max((reading.at - previous.at).total_seconds(), 0))
    plausible = Decimal(max_power_w) * seconds / SECONDS_PER_HOUR + _JUMP_SLACK_WH
    if reading.wh - previous.wh > plausible:
        return Anomaly.IMPLAUSIBLE_JUMP
    return None


def assess(
    start: RegisterReading | None, readings: Iterable[RegisterReading], max_power_w: int
) -> EnergyAssessment:
    """Walk register readings in station time; bill only the plausible ones.

    The energy is the last accepted reading minus the start reading. A rejected reading is
    skipped: the next reading is compared against the last accepted one.
    """
    ordered: Sequence[RegisterReading] = sorted(readings, key=_walk_order)
    anomalies: list[Anomaly] = []
    if start is not None and start.wh < 0:
        anomalies.append(Anomaly.NEGATIVE_VALUE)
        return EnergyAssessment(energy_wh=Decimal(0), last=start, anomalies=anomalies)
    last = start
    for reading in ordered:
        if last is None:
            if reading.wh < 0:
                anomalies.append(Anomaly.NEGATIVE_VALUE)
                continue
            last = reading
            continue
        if reading.at < last.at:
            continue  # earlier than the start reading: not part of this session's register walk
        anomaly = check_step(last, reading, max_power_w)
        if anomaly is not None:
            anomalies.append(anomaly)
            continue
        last = reading
    if start is None and last is not None:
        anomalies.append(Anomaly.UNKNOWN_START)
    energy = (last.wh - start.wh) if (start is not None and last is not None) else Decimal(0)
    return EnergyAssessment(energy_wh=max(energy, Decimal(0)), last=last, anomalies=anomalies)


def _walk_order(reading: RegisterReading) -> tuple[object, Decimal]:
    # Readings with the same station time are walked lowest first, so the result never depends
    # on the order they arrived in.
    return reading.at, reading.wh


def is_main_register(sample: MeterSample) -> bool:
    """The reading billed: the total energy register, not a per-phase or inlet value."""
    return (
        sample.measurand == ENERGY_REGISTER
        and sample.phase is None
        and sample.location in (None, "Outlet")
    )


def extend(
    energy_wh: Decimal, last: RegisterReading, new: Sequence[RegisterReading], max_power_w: int
) -> EnergyAssessment | None:
    """Add readings later than `last` to an assessment without re-reading the session.

    Returns None when a reading is not later than `last` (out of order or re-sent): the caller
    must then `assess` all readings again. Otherwise the result equals that of `assess`.
    """
    ordered = sorted(new, key=_walk_order)
    if not ordered or ordered[0].at <= last.at:
        return None
    anomalies: list[Anomaly] = []
    for reading in ordered:
        anomaly = check_step(last, reading, max_power_w)
        if anomaly is not None:
            anomalies.append(anomaly)
            continue
        energy_wh += reading.wh - last.wh
        last = reading
    return EnergyAssessment(energy_wh=energy_wh, last=last, anomalies=anomalies)
