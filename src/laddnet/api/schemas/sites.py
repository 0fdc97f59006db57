"""Site requests and responses. Opening hours use OCPI 2.2.1's `Hours` shape; coordinates are
decimal text, exact."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.errors import InvalidInput
from laddnet.domain.sites.model import OpeningHours, RegularHours, Site, SiteDetails

_LATITUDE_DOC = 'Decimal degrees as a string, up to 7 decimals, e.g. "59.329323".'
_LONGITUDE_DOC = 'Decimal degrees as a string, up to 7 decimals, e.g. "18.068581".'
_VAT_DOC = 'VAT in percent as a decimal string (default "25").'


def percent(text: str | None) -> Decimal:
    try:
        return Decimal(text or "")
    except InvalidOperation as exc:
        raise InvalidInput(f"vat_percent: {text!r} is not a number") from exc


class RegularHoursBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: int = Field(description="1 (Monday) to 7 (Sunday).")
    period_begin: str = Field(description='Local time "HH:MM".', examples=["08:00"])
    period_end: str = Field(description='Local time "HH:MM", later than period_begin.')


class OpeningHoursBody(BaseModel):
    """OCPI 2.2.1 `Hours` (without exceptional periods)."""

    model_config = ConfigDict(extra="forbid")

    twentyfourseven: bool
    regular_hours: list[RegularHoursBody] = Field(
        default_factory=list, description="At least one period unless twentyfourseven."
    )

    def to_domain(self) -> OpeningHours:
        return OpeningHours(
            self.twentyfourseven,
            tuple(
                RegularHours(r.weekday, r.period_begin, r.period_end) for r in self.regular_hours
            ),
        )

    @classmethod
    def from_domain(cls, hours: OpeningHours) -> OpeningHoursBody:
        return cls.model_validate(hours.to_json())


class SiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="1-48 characters; generated if absent.")
    name: str
    time_zone: str = Field(description="IANA time zone.", examples=["Europe/Stockholm"])
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2.", examples=["SE"])
    latitude: str | None = Field(None, description=_LATITUDE_DOC)
    longitude: str | None = Field(None, description=_LONGITUDE_DOC)
    opening_hours: OpeningHoursBody | None = None
    currency: str = Field("SEK", description="ISO 4217; the site's tariffs use it.")
    vat_percent: str = Field("25", description=_VAT_DOC)

    def details(self) -> SiteDetails:
        values = self.model_dump(exclude={"id", "opening_hours", "vat_percent"})
        hours = self.opening_hours.to_domain() if self.opening_hours else None
        return SiteDetails(**values, opening_hours=hours, vat_percent=percent(self.vat_percent))


class SiteUpdate(BaseModel):
    """Only the fields sent change; null clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    time_zone: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    latitude: str | None = Field(None, description=_LATITUDE_DOC)
    longitude: str | None = Field(None, description=_LONGITUDE_DOC)
    opening_hours: OpeningHoursBody | None = None
    currency: str | None = None
    vat_percent: str | None = Field(None, description=_VAT_DOC)

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {name: getattr(self, name) for name in self.model_fields_set}
        if "vat_percent" in changes:
            changes["vat_percent"] = percent(changes["vat_percent"])
        for required in ("name", "time_zone", "currency"):
            if required in changes and changes[required] is None:
                raise InvalidInput(f"{required}: cannot be null")
        if self.opening_hours is not None:
            changes["opening_hours"] = self.opening_hours.to_domain()
        return changes


class SiteOut(BaseModel):
    id: str
    name: str
    time_zone: str
    address: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    latitude: str | None = Field(description=_LATITUDE_DOC)
    longitude: str | None = Field(description=_LONGITUDE_DOC)
    opening_hours: OpeningHoursBody | None
    currency: str
    vat_percent: str = Field(description=_VAT_DOC)
    station_ids: list[str] = Field(description="Stations on the site (not decommissioned ones).")
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def from_domain(cls, site: Site) -> SiteOut:
        d = site.details
        return cls(
            id=site.id,
            name=d.name,
            time_zone=d.time_zone,
            address=d.address,
            postal_code=d.postal_code,
            city=d.city,
            country=d.country,
            latitude=d.latitude,
            longitude=d.longitude,
            opening_hours=(
                OpeningHoursBody.from_domain(d.opening_hours) if d.opening_hours else None
            ),
            currency=d.currency,
            vat_percent=str(d.vat_percent),
            station_ids=list(site.station_ids),
            created_at=site.created_at,
            updated_at=site.updated_at,
        )


class SitePage(BaseModel):
    items: list[SiteOut]
    total: int = Field(description="Sites in all pages.")
    limit: int
    offset: int
