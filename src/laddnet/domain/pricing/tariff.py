"""The tariff model: OCPI 2.2.1's Tariff, TariffElement, PriceComponent and TariffRestrictions,
with amounts as Decimal. Laddnet adds an idle-fee grace period and cap on parking time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum


class Dimension(StrEnum):
    """What a price component prices (OCPI TariffDimensionType)."""

    ENERGY = "ENERGY"  # per kWh; step_size in Wh
    FLAT = "FLAT"  # once per session
    TIME = "TIME"  # per hour charging; step_size in seconds
    PARKING_TIME = "PARKING_TIME"  # per hour connected but not charging; step_size in seconds


class DayOfWeek(StrEnum):
    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"


# date.weekday() -> DayOfWeek
WEEKDAYS: tuple[DayOfWeek, ...] = tuple(DayOfWeek)


@dataclass(frozen=True, slots=True)
class PriceComponent:
    dimension: Dimension
    price: Decimal  # per unit, excluding VAT
    vat: Decimal | None  # percent; None: no VAT applies (not the same as 0 %)
    step_size: int  # Wh for ENERGY, seconds for TIME and PARKING_TIME, unused for FLAT


@dataclass(frozen=True, slots=True)
class Restrictions:
    """When an element applies; every field given must hold (a logical AND). Times and dates
    are the site's local wall clock; end_time and end_date are exclusive."""

    start_time: time | None = None
    end_time: time | None = None  # 00:00 means the end of the day; before start_time wraps
    start_date: date | None = None
    end_date: date | None = None
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_current: Decimal | None = None  # A, sum over phases
    max_current: Decimal | None = None
    min_power: Decimal | None = None  # kW
    max_power: Decimal | None = None
    min_duration: int | None = None  # seconds since the session started
    max_duration: int | None = None
    day_of_week: tuple[DayOfWeek, ...] = ()


@dataclass(frozen=True, slots=True)
class TariffElement:
    price_components: tuple[PriceComponent, ...]
    restrictions: Restrictions | None = None


@dataclass(frozen=True, slots=True)
class PriceBound:
    """OCPI `Price`: excluding VAT, and optionally including VAT (shown to drivers)."""

    excl_vat: Decimal
    incl_vat: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DisplayText:
    language: str  # ISO 639-1
    text: str


@dataclass(frozen=True, slots=True)
class Tariff:
    currency: str
    elements: tuple[TariffElement, ...]
    min_price: PriceBound | None = None
    max_price: PriceBound | None = None
    alt_text: tuple[DisplayText, ...] = ()
    # Idle fee (a Laddnet addition to OCPI): parking time is free for the first
    # `parking_grace_seconds`, and all PARKING_TIME lines together cost at most `parking_cap`
    # (excluding VAT).
    parking_grace_seconds: int = 0
    parking_cap: Decimal | None = None

    def dimensions(self) -> frozenset[Dimension]:
        return frozenset(c.dimension for e in self.elements for c in e.price_components)
