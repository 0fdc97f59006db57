"""What pricing answers: lines (each rounded once to the currency's minor unit, half up), VAT
per rate on the sum of that rate's lines, and totals where incl. VAT = excl. VAT + VAT."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from laddnet.domain.money import MINOR_UNITS

HUNDRED = Decimal(100)


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))


def round_money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


class Adjustment:
    """Dimensions of lines that adjust others rather than price usage."""

    PARKING_CAP = "PARKING_CAP"
    MIN_PRICE = "MIN_PRICE"
    MAX_PRICE = "MAX_PRICE"


@dataclass(frozen=True, slots=True)
class PricedLine:
    dimension: str  # a Dimension, or an Adjustment
    element: int | None  # the tariff element that set the price (None for adjustments)
    quantity: Decimal  # kWh, hours (shown to 6 decimals; the amount uses the exact time) or 1
    unit: str  # "kWh", "h" or "session"
    unit_price: Decimal  # excl. VAT
    amount: Decimal  # excl. VAT, rounded once
    vat_rate: Decimal | None  # percent; None: no VAT applies

    def to_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "element": self.element,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unit_price": str(self.unit_price),
            "amount_excl_vat": str(self.amount),
            "vat_rate": None if self.vat_rate is None else str(self.vat_rate),
        }


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal | None
    base: Decimal  # the sum of this rate's lines
    vat: Decimal  # rounded once

    def to_json(self) -> dict[str, Any]:
        return {
            "rate": None if self.rate is None else str(self.rate),
            "base": str(self.base),
            "vat": str(self.vat),
        }


@dataclass(frozen=True, slots=True)
class PricedSession:
    currency: str
    lines: tuple[PricedLine, ...]
    vat_lines: tuple[VatLine, ...]
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    energy_wh: Decimal
    charging_seconds: Decimal
    parking_seconds: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "lines": [line.to_json() for line in self.lines],
            "vat": [v.to_json() for v in self.vat_lines],
            "total_excl_vat": str(self.total_excl_vat),
            "total_vat": str(self.total_vat),
            "total_incl_vat": str(self.total_incl_vat),
            "energy_wh": str(self.energy_wh),
            "charging_seconds": str(self.charging_seconds),
            "parking_seconds": str(self.parking_seconds),
        }


def vat_lines(lines: tuple[PricedLine, ...], currency: str) -> tuple[VatLine, ...]:
    """VAT per rate, computed on the sum of that rate's lines and rounded once."""
    bases: dict[Decimal | None, Decimal] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, Decimal(0)) + line.amount
    out = []
    for rate in sorted(bases, key=lambda r: Decimal(-1) if r is None else r):
        base = bases[rate]
        vat = Decimal(0) if rate is None else round_money(base * rate / HUNDRED, currency)
        out.append(VatLine(rate, round_money(base, currency), round_money(vat, currency)))
    return tuple(out)


def totals(
    currency: str,
    lines: tuple[PricedLine, ...],
    usage: tuple[Decimal, Decimal, Decimal],
) -> PricedSession:
    vats = vat_lines(lines, currency)
    excl = round_money(sum((line.amount for line in lines), Decimal(0)), currency)
    vat = round_money(sum((v.vat for v in vats), Decimal(0)), currency)
    energy, charging, parking = usage
    return PricedSession(currency, lines, vats, excl, vat, excl + vat, energy, charging, parking)
