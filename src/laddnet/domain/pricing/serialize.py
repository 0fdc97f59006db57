"""A tariff back to its JSON shape: amounts as decimal strings, times and dates as OCPI writes
them, absent fields left out."""

from __future__ import annotations

from typing import Any

from laddnet.domain.pricing.tariff import PriceBound, Restrictions, Tariff


def _bound(bound: PriceBound) -> dict[str, str]:
    out = {"excl_vat": str(bound.excl_vat)}
    if bound.incl_vat is not None:
        out["incl_vat"] = str(bound.incl_vat)
    return out


def restrictions_to_json(r: Restrictions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("start_time", "end_time"):
        value = getattr(r, name)
        if value is not None:
            out[name] = value.strftime("%H:%M")
    for name in ("start_date", "end_date"):
        value = getattr(r, name)
        if value is not None:
            out[name] = value.isoformat()
    for name in ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power"):
        value = getattr(r, name)
        if value is not None:
            out[name] = str(value)
    for name in ("min_duration", "max_duration"):
        value = getattr(r, name)
        if value is not None:
            out[name] = value
    if r.day_of_week:
        out["day_of_week"] = [str(d) for d in r.day_of_week]
    return out


def tariff_to_json(tariff: Tariff) -> dict[str, Any]:
    elements = []
    for element in tariff.elements:
        item: dict[str, Any] = {
            "price_components": [
                {
                    "type": str(c.dimension),
                    "price": str(c.price),
                    **({"vat": str(c.vat)} if c.vat is not None else {}),
                    "step_size": c.step_size,
                }
                for c in element.price_components
            ]
        }
        if element.restrictions is not None:
            item["restrictions"] = restrictions_to_json(element.restrictions)
        elements.append(item)
    out: dict[str, Any] = {"currency": tariff.currency, "elements": elements}
    if tariff.min_price is not None:
        out["min_price"] = _bound(tariff.min_price)
    if tariff.max_price is not None:
        out["max_price"] = _bound(tariff.max_price)
    out["tariff_alt_text"] = [{"language": t.language, "text": t.text} for t in tariff.alt_text]
    out["parking_grace_seconds"] = tariff.parking_grace_seconds
    if tariff.parking_cap is not None:
        out["parking_cap"] = str(tariff.parking_cap)
    return out
