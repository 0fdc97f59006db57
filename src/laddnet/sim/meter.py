"""Realistic AC meter readings as integers, rendered as OCPP 1.6 or 2.0.1 sampled values.

Energy is whole Wh, power whole W, currents deci-amperes and voltages deci-volts: nothing here is
a float until it is written on the wire (2.0.1 sends numbers, 1.6 sends strings).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

NOMINAL_DV = 2300
SINGLE_PHASE_MAX_W = 7400
BATTERY_WH = 60_000


@dataclass(frozen=True, slots=True)
class Reading:
    energy_wh: int
    power_w: int
    offered_w: int
    currents_da: tuple[int, int, int]
    voltages_dv: tuple[int, int, int]
    soc: int


def reading(
    energy_wh: int, power_w: int, session_wh: int, soc_start: int, offered_w: int | None = None
) -> Reading:
    """A plausible snapshot: per-phase current follows power, SoC follows the session energy.
    `offered_w`: the power the charger offers (default: the step above `power_w`)."""
    voltages = tuple(NOMINAL_DV + random.randint(-40, 40) for _ in range(3))
    v1, v2, v3 = voltages
    if power_w <= SINGLE_PHASE_MAX_W:
        currents = (power_w * 100 // v1, 0, 0)
        offered = SINGLE_PHASE_MAX_W
    else:
        per_phase = power_w // 3
        currents = (per_phase * 100 // v1, per_phase * 100 // v2, per_phase * 100 // v3)
        offered = 22_000 if power_w > 11_000 else 11_000
    soc = min(100, soc_start + max(0, session_wh) * 100 // BATTERY_WH)
    if offered_w is not None:
        offered = offered_w
    return Reading(energy_wh, power_w, offered, currents, (v1, v2, v3), soc)


def _deci(value: int) -> str:
    return f"{value // 10}.{value % 10}"


_PHASES = ("L1", "L2", "L3")


def sampled_values_v16(r: Reading, context: str = "Sample.Periodic") -> list[dict[str, Any]]:
    def sv(value: str, measurand: str, unit: str, **extra: str) -> dict[str, Any]:
        item = {"value": value, "context": context, "format": "Raw", "measurand": measurand}
        item.update(location=extra.pop("location", "Outlet"), unit=unit, **extra)
        return item

    values = [
        sv(str(r.energy_wh), "Energy.Active.Import.Register", "Wh"),
        sv(str(r.power_w), "Power.Active.Import", "W"),
        sv(str(r.offered_w), "Power.Offered", "W"),
    ]
    values += [
        sv(_deci(c), "Current.Import", "A", phase=p)
        for p, c in zip(_PHASES, r.currents_da, strict=True)
    ]
    values += [
        sv(_deci(v), "Voltage", "V", phase=f"{p}-N")
        for p, v in zip(_PHASES, r.voltages_dv, strict=True)
    ]
    values.append(sv(str(r.soc), "SoC", "Percent", location="EV"))
    return values


def sampled_values_v201(r: Reading, context: str = "Sample.Periodic") -> list[dict[str, Any]]:
    def sv(value: float, measurand: str, unit: str, **extra: str) -> dict[str, Any]:
        item: dict[str, Any] = {"value": value, "context": context, "measurand": measurand}
        item.update(location=extra.pop("location", "Outlet"), unitOfMeasure={"unit": unit}, **extra)
        return item

    values = [
        sv(r.energy_wh, "Energy.Active.Import.Register", "Wh"),
        sv(r.power_w, "Power.Active.Import", "W"),
        sv(r.offered_w, "Power.Offered", "W"),
    ]
    values += [
        sv(c / 10, "Current.Import", "A", phase=p)
        for p, c in zip(_PHASES, r.currents_da, strict=True)
    ]
    values += [
        sv(v / 10, "Voltage", "V", phase=f"{p}-N")
        for p, v in zip(_PHASES, r.voltages_dv, strict=True)
    ]
    values.append(sv(r.soc, "SoC", "Percent", location="EV"))
    return values
