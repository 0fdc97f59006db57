"""Builders for pricing tests: tariffs from their JSON shape, sessions from a few numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.usage import ChargingChange, CurrentSample, Reading, SessionUsage
from laddnet.domain.pricing.validation import tariff_from_json

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def component(kind: str, price: str, vat: str | None = None, step: int = 1) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "price": price, "step_size": step}
    if vat is not None:
        out["vat"] = vat
    return out


def element(*components: dict[str, Any], **restrictions: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"price_components": list(components)}
    if restrictions:
        out["restrictions"] = restrictions
    return out


def a_tariff(*elements: dict[str, Any], **overrides: Any) -> Tariff:
    data: dict[str, Any] = {
        "currency": "EUR",
        "elements": list(elements) or [element(component("ENERGY", "0.25", "10"))],
    }
    data.update(overrides)
    return tariff_from_json(data)


def a_session(
    start: datetime,
    charging_minutes: float,
    kwh: str | Decimal = "0",
    parking_minutes: float = 0,
    amps: str | None = None,
) -> SessionUsage:
    """Charging at a constant power for `charging_minutes`, then parked."""
    end_charging = start + timedelta(minutes=charging_minutes)
    stop = end_charging + timedelta(minutes=parking_minutes)
    readings = (Reading(start, Decimal(0)), Reading(end_charging, Decimal(kwh) * 1000))
    changes = (ChargingChange(end_charging, False),) if parking_minutes else ()
    currents = (CurrentSample(start, Decimal(amps)),) if amps is not None else ()
    return SessionUsage(start, stop, readings, changes, currents)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def priced(tariff: Tariff, usage: SessionUsage, zone: ZoneInfo = STOCKHOLM) -> PricedSession:
    return price(tariff, usage, zone)


def amounts(result: PricedSession) -> tuple[str, str, str]:
    return str(result.total_excl_vat), str(result.total_vat), str(result.total_incl_vat)
