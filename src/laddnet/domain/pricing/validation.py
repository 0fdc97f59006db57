"""Tariffs from and to their JSON shape (OCPI 2.2.1 field names), checked field by field.

Amounts are read exactly: decimal strings, integers or Decimals (a JSON body is parsed with
`parse_float=Decimal`); a binary float is refused, so no price is ever rounded on the way in.
Every error names the field that is wrong.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from laddnet.domain.errors import InvalidInput
from laddnet.domain.money import MINOR_UNITS
from laddnet.domain.pricing.tariff import (
    DayOfWeek,
    Dimension,
    DisplayText,
    PriceBound,
    PriceComponent,
    Restrictions,
    Tariff,
    TariffElement,
)

_HH_MM = re.compile(r"([0-1][0-9]|2[0-3]):[0-5][0-9]")
_DATE = re.compile(r"([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
_LANGUAGE = re.compile(r"[a-z]{2}")
MAX_ELEMENTS = 100
MAX_TEXT = 512
_DECIMAL_FIELDS = ("min_kwh", "max_kwh", "min_current", "max_current", "min_power", "max_power")


def amount(value: object, where: str) -> Decimal:
    """A non-negative exact number, or InvalidInput naming `where`."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvalidInput(f'{where}: a number written exactly (e.g. "0.25"), not {value!r}')
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise InvalidInput(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{where}: must be a finite number, zero or more")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -12:
        raise InvalidInput(f"{where}: at most 12 decimals")
    return number


def _integer(value: object, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(f"{where}: a whole number, {minimum} or more")
    return value


def _time(value: object, where: str) -> time:
    if not isinstance(value, str) or not _HH_MM.fullmatch(value):
        raise InvalidInput(f"{where}: a local time as HH:MM, 00:00 to 23:59")
    return time(int(value[:2]), int(value[3:]))


def _date(value: object, where: str) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InvalidInput(f"{where}: a local date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{where}: {value!r} is not a date") from exc


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where}: must be an object")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{where}: must be a list")
    return value


def restrictions_from_json(data: dict[str, Any], where: str) -> Restrictions:
    known = {
        "start_time", "end_time", "start_date", "end_date", "min_duration", "max_duration",
        "day_of_week", *_DECIMAL_FIELDS,
    }  # fmt: skip
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"{where}.{unknown[0]}: not a restriction Laddnet knows")
    values: dict[str, Any] = {}
    for name in ("start_time", "end_time"):
        if data.get(name) is not None:
            values[name] = _time(data[name], f"{where}.{name}")
    for name in ("start_date", "end_date"):
        if data.get(name) is not None:
            values[name] = _date(data[name], f"{where}.{name}")
    for name in _DECIMAL_FIELDS:
        if data.get(name) is not None:
            values[name] = amount(data[name], f"{where}.{name}")
    for name in ("min_duration", "max_duration"):
        if data.get(name) is not None:
            values[name] = _integer(data[name], f"{where}.{name}")
    days = _list(data.get("day_of_week") or [], f"{where}.day_of_week")
    try:
        values["day_of_week"] = tuple(DayOfWeek(d) for d in days)
    except ValueError as exc:
        raise InvalidInput(f"{where}.day_of_week: MONDAY to SUNDAY") from exc
    restrictions = Restrictions(**values)
    _check_ranges(restrictions, where)
    return restrictions


def _check_ranges(r: Restrictions, where: str) -> None:
    pairs = (
        ("start_date", "end_date", r.start_date, r.end_date),
        ("min_kwh", "max_kwh", r.min_kwh, r.max_kwh),
        ("min_current", "max_current", r.min_current, r.max_current),
        ("min_power", "max_power", r.min_power, r.max_power),
        ("min_duration", "max_duration", r.min_duration, r.max_duration),
    )
    for low_name, high_name, low, high in pairs:
        if low is not None and high is not None and high <= low:  # type: ignore[operator]
            raise InvalidInput(f"{where}.{high_name}: must be greater than {low_name}")
    if r.start_time is not None and r.start_time == r.end_time:
        raise InvalidInput(f"{where}.end_time: must differ from start_time")


def component_from_json(data: dict[str, Any], where: str) -> PriceComponent:
    try:
        dimension = Dimension(str(data.get("type")))
    except ValueError as exc:
        raise InvalidInput(f"{where}.type: one of {', '.join(Dimension)}") from exc
    vat = data.get("vat")
    step = data.get("step_size", 1)
    return PriceComponent(
        dimension=dimension,
        price=amount(data.get("price"), f"{where}.price"),
        vat=None if vat is None else _vat(vat, f"{where}.vat"),
        step_size=_integer(step, f"{where}.step_size", minimum=1),
    )


def _vat(value: object, where: str) -> Decimal:
    rate = amount(value, where)
    if rate > 100:
        raise InvalidInput(f"{where}: a percentage, 0 to 100")
    return rate


def _bound(value: object, where: str) -> PriceBound:
    data = _object(value, where)
    incl = data.get("incl_vat")
    return PriceBound(
        excl_vat=amount(data.get("excl_vat"), f"{where}.excl_vat"),
        incl_vat=None if incl is None else amount(incl, f"{where}.incl_vat"),
    )


def _element(raw: object, where: str) -> TariffElement:
    element = _object(raw, where)
    components = _list(element.get("price_components"), f"{where}.price_components")
    if not components:
        raise InvalidInput(f"{where}.price_components: at least one")
    parsed = []
    for i, component in enumerate(components):
        at = f"{where}.price_components.{i}"
        parsed.append(component_from_json(_object(component, at), at))
    raw_restrictions = element.get("restrictions")
    restrictions = None
    if raw_restrictions is not None:
        at = f"{where}.restrictions"
        restrictions = restrictions_from_json(_object(raw_restrictions, at), at)
    return TariffElement(tuple(parsed), restrictions)


def tariff_from_json(data: dict[str, Any]) -> Tariff:
    """A checked Tariff from its JSON shape, or InvalidInput naming the first bad field."""
    currency = data.get("currency")
    if not isinstance(currency, str) or currency not in MINOR_UNITS:
        known = ", ".join(sorted(MINOR_UNITS))
        raise InvalidInput(f"currency: one of {known}")
    raw_elements = _list(data.get("elements"), "elements")
    if not 1 <= len(raw_elements) <= MAX_ELEMENTS:
        raise InvalidInput(f"elements: 1 to {MAX_ELEMENTS} elements")
    elements = tuple(_element(raw, f"elements.{n}") for n, raw in enumerate(raw_elements))
    texts = []
    for n, raw in enumerate(_list(data.get("tariff_alt_text") or [], "tariff_alt_text")):
        text = _object(raw, f"tariff_alt_text.{n}")
        language, body = text.get("language"), text.get("text")
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            raise InvalidInput(f"tariff_alt_text.{n}.language: an ISO 639-1 code such as sv")
        if not isinstance(body, str) or not 1 <= len(body) <= MAX_TEXT:
            raise InvalidInput(f"tariff_alt_text.{n}.text: 1 to {MAX_TEXT} characters")
        texts.append(DisplayText(language, body))
    cap = data.get("parking_cap")
    tariff = Tariff(
        currency=currency,
        elements=elements,
        min_price=None if data.get("min_price") is None else _bound(data["min_price"], "min_price"),
        max_price=None if data.get("max_price") is None else _bound(data["max_price"], "max_price"),
        alt_text=tuple(texts),
        parking_grace_seconds=_integer(
            data.get("parking_grace_seconds", 0), "parking_grace_seconds"
        ),
        parking_cap=None if cap is None else amount(cap, "parking_cap"),
    )
    low, high = tariff.min_price, tariff.max_price
    if low is not None and high is not None and high.excl_vat < low.excl_vat:
        raise InvalidInput("max_price.excl_vat: must not be less than min_price.excl_vat")
    return tariff
