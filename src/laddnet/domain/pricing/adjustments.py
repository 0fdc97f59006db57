"""Lines that adjust the priced usage: the idle-fee cap on parking, and the tariff's min_price
and max_price (on the total excluding VAT, spread over the VAT rates in proportion to what each
rate's lines cost, so VAT stays computed per rate)."""

from __future__ import annotations

from decimal import Decimal

from laddnet.domain.pricing.result import Adjustment, PricedLine, round_money
from laddnet.domain.pricing.tariff import Dimension, Tariff

_ONE = Decimal(1)


def _adjustment(dimension: str, amount: Decimal, rate: Decimal | None) -> PricedLine:
    return PricedLine(dimension, None, _ONE, "session", amount, amount, rate)


def cap_parking(lines: tuple[PricedLine, ...], tariff: Tariff) -> tuple[PricedLine, ...]:
    """Parking lines together cost at most the tariff's parking cap: the excess is taken back
    from the latest parking lines first, one adjustment line per line it reduces."""
    if tariff.parking_cap is None:
        return lines
    parking = [line for line in lines if line.dimension == Dimension.PARKING_TIME]
    excess = sum((line.amount for line in parking), Decimal(0)) - round_money(
        tariff.parking_cap, tariff.currency
    )
    extra = []
    for line in reversed(parking):
        if excess <= 0:
            break
        taken = min(excess, line.amount)
        extra.append(_adjustment(Adjustment.PARKING_CAP, -taken, line.vat_rate))
        excess -= taken
    return lines + tuple(extra)


def _default_rate(tariff: Tariff) -> Decimal | None:
    for element in tariff.elements:
        for component in element.price_components:
            return component.vat
    return None


def limit_total(lines: tuple[PricedLine, ...], tariff: Tariff) -> tuple[PricedLine, ...]:
    """Apply min_price and max_price (excl. VAT) with adjustment lines, one per VAT rate."""
    currency = tariff.currency
    total = sum((line.amount for line in lines), Decimal(0))
    if tariff.min_price is not None and total < round_money(tariff.min_price.excl_vat, currency):
        target, kind = round_money(tariff.min_price.excl_vat, currency), Adjustment.MIN_PRICE
    elif tariff.max_price is not None and total > round_money(tariff.max_price.excl_vat, currency):
        target, kind = round_money(tariff.max_price.excl_vat, currency), Adjustment.MAX_PRICE
    else:
        return lines
    difference = target - total
    bases: dict[Decimal | None, Decimal] = {}
    for line in lines:
        bases[line.vat_rate] = bases.get(line.vat_rate, Decimal(0)) + line.amount
    bases = {rate: base for rate, base in bases.items() if base > 0}
    if not bases:
        return (*lines, _adjustment(kind, difference, _default_rate(tariff)))
    shares = {
        rate: round_money(difference * base / total, currency) for rate, base in bases.items()
    }
    largest = max(bases, key=lambda rate: bases[rate])
    shares[largest] += difference - sum(shares.values(), Decimal(0))
    return lines + tuple(_adjustment(kind, share, rate) for rate, share in shares.items() if share)
