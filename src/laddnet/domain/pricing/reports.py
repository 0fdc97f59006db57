"""The revenue report, derived from ledger lines only (so it cannot disagree with the ledger):
revenue excl. VAT by period, site, station and dimension, with energy sold and the average
price per kWh."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

_ZERO = Decimal(0)
_PRICE_PLACES = Decimal("0.0001")


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class RevenueLine:
    occurred_at: datetime  # the session's stop (UTC)
    site_id: str | None
    station_id: str | None
    currency: str
    dimension: str
    amount: Decimal  # credit - debit: revenue excl. VAT
    kwh: Decimal  # energy sold, on ENERGY lines


@dataclass(frozen=True, slots=True)
class RevenueRow:
    period: str
    site_id: str | None
    station_id: str | None
    currency: str
    dimension: str
    revenue_excl_vat: Decimal
    energy_kwh: Decimal

    @property
    def average_price_per_kwh(self) -> Decimal | None:
        if self.dimension != "ENERGY" or not self.energy_kwh:
            return None
        return (self.revenue_excl_vat / self.energy_kwh).quantize(_PRICE_PLACES, ROUND_HALF_UP)

    def to_json(self) -> dict[str, Any]:
        average = self.average_price_per_kwh
        return {
            "period": self.period,
            "site_id": self.site_id,
            "station_id": self.station_id,
            "currency": self.currency,
            "dimension": self.dimension,
            "revenue_excl_vat": str(self.revenue_excl_vat),
            "energy_kwh": str(self.energy_kwh),
            "average_price_per_kwh": None if average is None else str(average),
        }


def period_of(at: datetime, period: Period) -> str:
    return at.strftime("%Y-%m-%d" if period is Period.DAY else "%Y-%m")


def revenue_rows(lines: Iterable[RevenueLine], period: Period) -> list[RevenueRow]:
    """Sum the lines per (period in UTC, site, station, currency, dimension), sorted."""
    sums: dict[tuple[str, str, str, str, str], tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = (
            period_of(line.occurred_at, period),
            line.site_id or "",
            line.station_id or "",
            line.currency,
            line.dimension,
        )
        amount, kwh = sums.get(key, (_ZERO, _ZERO))
        sums[key] = (amount + line.amount, kwh + line.kwh)
    return [
        RevenueRow(p, site or None, station or None, currency, dimension, amount, kwh)
        for (p, site, station, currency, dimension), (amount, kwh) in sorted(sums.items())
    ]
