"""A site (an operator's location), its opening hours in OCPI 2.2.1's `Hours` shape, and the
rules its fields obey. `validated` checks every field and names the one that is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from laddnet.domain.errors import InvalidInput
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.money import MINOR_UNITS
from laddnet.domain.sites.countries import COUNTRY_CODES

MAX_SITE_ID = 48
# The lengths the columns hold (OCPI allows less for some; an OCPI export would shorten).
MAX_LENGTHS = {"name": 255, "address": 255, "postal_code": 20, "city": 100}
# Decimal degrees as text: up to 7 decimals (OCPI writes 5 to 7), never a float.
_LATITUDE = re.compile(r"-?[0-9]{1,2}(\.[0-9]{1,7})?")
_LONGITUDE = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,7})?")
_HH_MM = re.compile(r"([0-1][0-9]|2[0-3]):[0-5][0-9]")


@dataclass(frozen=True, slots=True)
class RegularHours:
    """One weekday's opening period in local time: weekday 1 (Monday) to 7 (Sunday)."""

    weekday: int
    period_begin: str  # "HH:MM"
    period_end: str  # "HH:MM", later than period_begin


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """OCPI 2.2.1 `Hours`: open around the clock, or the regular weekday periods."""

    twentyfourseven: bool
    regular_hours: tuple[RegularHours, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The OCPI JSON object."""
        return {
            "twentyfourseven": self.twentyfourseven,
            "regular_hours": [
                {"weekday": r.weekday, "period_begin": r.period_begin, "period_end": r.period_end}
                for r in self.regular_hours
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OpeningHours:
        return cls(
            twentyfourseven=bool(data["twentyfourseven"]),
            regular_hours=tuple(
                RegularHours(r["weekday"], r["period_begin"], r["period_end"])
                for r in data.get("regular_hours") or ()
            ),
        )


@dataclass(frozen=True, slots=True)
class SiteDetails:
    """What an operator writes about a site."""

    name: str
    time_zone: str  # IANA, e.g. "Europe/Stockholm"
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    latitude: str | None = None  # decimal degrees as text, exact
    longitude: str | None = None
    opening_hours: OpeningHours | None = None
    currency: str = "SEK"  # ISO 4217: the currency its tariffs must use
    vat_percent: Decimal = Decimal(25)  # the VAT rate its tariffs are expected to charge


@dataclass(frozen=True, slots=True)
class Site:
    id: SiteId
    details: SiteDetails
    created_at: datetime
    updated_at: datetime
    station_ids: tuple[StationId, ...] = ()  # the stations on it (decommissioned ones left out)


def check_site_id(site_id: str) -> SiteId:
    if not 1 <= len(site_id) <= MAX_SITE_ID or not site_id.isprintable() or "/" in site_id:
        raise InvalidInput(f"id: a site id is 1-{MAX_SITE_ID} printable characters, no '/'")
    return SiteId(site_id)


def validated(details: SiteDetails) -> SiteDetails:
    """The details with the country code in capitals; InvalidInput naming the first bad field."""
    for field, limit in MAX_LENGTHS.items():
        value = getattr(details, field)
        if value is not None and len(value) > limit:
            raise InvalidInput(f"{field}: at most {limit} characters")
    if not details.name.strip():
        raise InvalidInput("name: must not be blank")
    check_time_zone(details.time_zone)
    country = check_country(details.country) if details.country is not None else None
    check_coordinates(details.latitude, details.longitude)
    if details.opening_hours is not None:
        check_opening_hours(details.opening_hours)
    check_money_rules(details.currency, details.vat_percent)
    return replace(details, country=country)


def check_money_rules(currency: str, vat_percent: Decimal) -> None:
    if currency not in MINOR_UNITS:
        raise InvalidInput(f"currency: one of {', '.join(sorted(MINOR_UNITS))}")
    if not vat_percent.is_finite() or not 0 <= vat_percent <= 100:
        raise InvalidInput("vat_percent: a percentage, 0 to 100")


def check_country(code: str) -> str:
    """The ISO 3166-1 alpha-2 code in capitals ("se" is "SE"), or InvalidInput."""
    upper = code.upper()
    if upper not in COUNTRY_CODES:
        raise InvalidInput(
            f"country: {code!r} is not an ISO 3166-1 alpha-2 country code (e.g. SE, DE, NO)"
        )
    return upper


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_time_zone(name: str) -> None:
    if name not in _time_zones():
        raise InvalidInput(
            f"time_zone: {name!r} is not an IANA time zone (e.g. Europe/Stockholm, UTC)"
        )


def check_coordinates(latitude: str | None, longitude: str | None) -> None:
    """Both or neither; decimal degrees as text with up to 7 decimals, within range."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput("latitude and longitude: give both or neither")
    if latitude is None or longitude is None:
        return
    for field, text, pattern, limit in (
        ("latitude", latitude, _LATITUDE, 90),
        ("longitude", longitude, _LONGITUDE, 180),
    ):
        if not pattern.fullmatch(text) or abs(Decimal(text)) > limit:
            raise InvalidInput(
                f"{field}: {text!r} is not decimal degrees between -{limit} and {limit} "
                'with at most 7 decimals, written as text (e.g. "59.329323")'
            )


def check_opening_hours(hours: OpeningHours) -> None:
    """OCPI 2.2.1 rules: regular hours only when not twentyfourseven, then at least one; each
    period "HH:MM" to a later "HH:MM" on weekday 1-7."""
    if hours.twentyfourseven and hours.regular_hours:
        raise InvalidInput("opening_hours.regular_hours: must be empty when twentyfourseven")
    if not hours.twentyfourseven and not hours.regular_hours:
        raise InvalidInput(
            "opening_hours.regular_hours: needs at least one period unless twentyfourseven"
        )
    for n, period in enumerate(hours.regular_hours):
        where = f"opening_hours.regular_hours.{n}"
        if not 1 <= period.weekday <= 7:
            raise InvalidInput(f"{where}.weekday: 1 (Monday) to 7 (Sunday)")
        for name in ("period_begin", "period_end"):
            if not _HH_MM.fullmatch(getattr(period, name)):
                raise InvalidInput(f"{where}.{name}: a time as HH:MM, 00:00 to 23:59")
        if period.period_end <= period.period_begin:
            raise InvalidInput(f"{where}.period_end: must be later than period_begin")
