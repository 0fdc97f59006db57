"""The pricing engine: a session's usage + a tariff version + the site's time zone → priced
lines. Pure and exact (Decimal); see docs/api/pricing.md for the rules with examples.

For each stretch of the session (see stretches.py), the first element whose restrictions hold
and that has a component of a dimension sets that dimension's price (OCPI 2.2.1). Quantities
add up per (dimension, element); `step_size` then rounds the session's total once: the total
energy with the last ENERGY component's step, and the total parking time with the last
PARKING_TIME component's step, or the total charging time with the last TIME component's step
when nothing was parked (mod_cdrs "step_size"); what rounding adds goes to the last line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from laddnet.domain.pricing.adjustments import cap_parking, limit_total
from laddnet.domain.pricing.restrictions import Moment, holds
from laddnet.domain.pricing.result import PricedLine, PricedSession, round_money, totals
from laddnet.domain.pricing.stretches import stretches
from laddnet.domain.pricing.tariff import Dimension, PriceComponent, Tariff
from laddnet.domain.pricing.usage import SessionUsage

_THOUSAND = Decimal(1000)
_HOUR = Decimal(3600)
_SHOWN = Decimal("0.000001")


@dataclass(slots=True)
class _Group:
    dimension: Dimension
    element: int
    component: PriceComponent
    quantity: Decimal  # Wh, seconds, or 1 for FLAT


def _first(
    tariff: Tariff, dimension: Dimension, moment: Moment
) -> tuple[int, PriceComponent] | None:
    for n, element in enumerate(tariff.elements):
        for component in element.price_components:
            if component.dimension is dimension and holds(element.restrictions, moment):
                return n, component
    return None


_Key = tuple[Dimension, int]


def _add(
    groups: dict[_Key, _Group], order: list[_Key], dimension: Dimension,
    found: tuple[int, PriceComponent], quantity: Decimal,
) -> None:  # fmt: skip
    """Add to the (dimension, element) group; `order` keeps the most recently used last."""
    key = (dimension, found[0])
    group = groups.get(key)
    if group is None:
        groups[key] = _Group(dimension, found[0], found[1], quantity)
    else:
        group.quantity += quantity
        if order[-1] == key:
            return
        order.remove(key)
    order.append(key)


def _round_up_total(groups: list[_Group]) -> None:
    """Round the total of `groups` (in time order) up to the last group's step_size."""
    if not groups:
        return
    total = sum((g.quantity for g in groups), Decimal(0))
    step = Decimal(groups[-1].component.step_size)
    billed = (total / step).to_integral_value(rounding=ROUND_CEILING) * step
    groups[-1].quantity += billed - total


def _line(group: _Group, currency: str) -> PricedLine:
    c = group.component
    if group.dimension is Dimension.FLAT:
        quantity, shown, unit = Decimal(1), Decimal(1), "session"
    elif group.dimension is Dimension.ENERGY:
        quantity = shown = group.quantity / _THOUSAND
        unit = "kWh"
    else:
        quantity = group.quantity / _HOUR
        shown, unit = quantity.quantize(_SHOWN, rounding=ROUND_HALF_UP).normalize(), "h"
    amount = round_money(c.price * quantity, currency)
    return PricedLine(str(group.dimension), group.element, shown, unit, c.price, amount, c.vat)


def price(tariff: Tariff, usage: SessionUsage, zone: ZoneInfo) -> PricedSession:
    """Price a session with one tariff version in the site's time zone."""
    groups: dict[_Key, _Group] = {}
    order: list[_Key] = []
    flat: tuple[int, PriceComponent] | None = None
    energy = charging = parking = Decimal(0)
    for s in stretches(tariff, usage, zone):
        energy += s.energy_wh
        if s.charging:
            charging += s.seconds
        else:
            parking += s.seconds
        if flat is None:
            flat = _first(tariff, Dimension.FLAT, s.moment)
        if s.energy_wh:
            found = _first(tariff, Dimension.ENERGY, s.moment)
            if found is not None:
                _add(groups, order, Dimension.ENERGY, found, s.energy_wh)
        time_dimension = Dimension.TIME if s.charging else Dimension.PARKING_TIME
        if s.seconds and not s.in_grace:
            found = _first(tariff, time_dimension, s.moment)
            if found is not None:
                _add(groups, order, time_dimension, found, s.seconds)
    if flat is None and usage.start == usage.stop:
        flat = _first_flat_without_time(tariff)
    used = [groups[k] for k in order]
    _round_up_total([g for g in used if g.dimension is Dimension.ENERGY])
    parked = [g for g in used if g.dimension is Dimension.PARKING_TIME]
    _round_up_total(parked or [g for g in used if g.dimension is Dimension.TIME])
    ordered = sorted(used, key=lambda g: (list(Dimension).index(g.dimension), g.element))
    if flat is not None:
        ordered.insert(0, _Group(Dimension.FLAT, flat[0], flat[1], Decimal(1)))
    lines = tuple(_line(g, tariff.currency) for g in ordered)
    lines = cap_parking(lines, tariff)
    lines = limit_total(lines, tariff)
    return totals(tariff.currency, lines, (energy, charging, parking))


def _first_flat_without_time(tariff: Tariff) -> tuple[int, PriceComponent] | None:
    """A session of no duration has no stretch: its flat fee is the first unrestricted one."""
    for n, element in enumerate(tariff.elements):
        for component in element.price_components:
            if component.dimension is Dimension.FLAT and element.restrictions is None:
                return n, component
    return None
