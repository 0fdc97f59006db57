"""Tariff and pricing responses. Every amount is a decimal string ("0.25"), never a number."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from laddnet.api.params import INT32_MAX
from laddnet.api.schemas import UtcDateTime
from laddnet.domain.pricing.records import AppliedTariff, TariffVersion
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.serialize import tariff_to_json

AMOUNT_DOC = 'An exact decimal string, e.g. "12.50".'

# The request body of POST and PUT /tariffs, for the OpenAPI document: the body is read as raw
# JSON so that prices written as JSON numbers are read exactly.
TARIFF_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "currency", "elements"],
    "description": "OCPI 2.2.1 Tariff fields (see docs/api/pricing.md); prices as decimal "
    "strings or JSON numbers, read exactly.",
    "example": {
        "id": "standard",
        "name": "Standard",
        "currency": "SEK",
        "elements": [
            {
                "price_components": [{"type": "ENERGY", "price": "2.40", "vat": "25"}],
                "restrictions": {"start_time": "06:00", "end_time": "22:00"},
            },
            {"price_components": [{"type": "ENERGY", "price": "1.60", "vat": "25"}]},
        ],
        "tariff_alt_text": [{"language": "sv", "text": "Billigare på natten"}],
    },
}


class PriceComponentOut(BaseModel):
    type: str = Field(description="ENERGY, TIME, PARKING_TIME or FLAT.")
    price: str = Field(description=f"Per kWh, hour or session, excl. VAT. {AMOUNT_DOC}")
    vat: str | None = Field(None, description="Percent; absent: no VAT applies.")
    step_size: int


class PriceBoundOut(BaseModel):
    excl_vat: str = Field(description=AMOUNT_DOC)
    incl_vat: str | None = Field(None, description=AMOUNT_DOC)


class RestrictionsOut(BaseModel):
    start_time: str | None = None
    end_time: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    min_kwh: str | None = None
    max_kwh: str | None = None
    min_current: str | None = None
    max_current: str | None = None
    min_power: str | None = None
    max_power: str | None = None
    min_duration: int | None = None
    max_duration: int | None = None
    day_of_week: list[str] = Field(default_factory=list)


class TariffElementOut(BaseModel):
    price_components: list[PriceComponentOut]
    restrictions: RestrictionsOut | None = None


class DisplayTextOut(BaseModel):
    language: str
    text: str


class TariffOut(BaseModel):
    id: str
    name: str
    version: int = Field(description="This version's number.")
    current_version: int = Field(description="The newest version: new sessions get it.")
    created_at: UtcDateTime = Field(description="When this version was made.")
    created_by: str
    currency: str
    elements: list[TariffElementOut]
    min_price: PriceBoundOut | None = None
    max_price: PriceBoundOut | None = None
    tariff_alt_text: list[DisplayTextOut]
    parking_grace_seconds: int
    parking_cap: str | None = Field(None, description=AMOUNT_DOC)

    @classmethod
    def from_domain(cls, stored: TariffVersion) -> TariffOut:
        return cls.model_validate(
            {
                "id": stored.tariff_id,
                "name": stored.name,
                "version": stored.version,
                "current_version": stored.current_version,
                "created_at": stored.created_at,
                "created_by": stored.created_by,
                **tariff_to_json(stored.tariff),
            }
        )


class TariffPage(BaseModel):
    items: list[TariffOut]
    total: int
    limit: int
    offset: int


CUSTOMER_GROUP_DOC = (
    "Only for sessions of this customer group (their id token's; none: ad_hoc); at the same"
    " place it wins over the group-less assignment."
)
CustomerGroupName = Literal["ad_hoc", "member", "fleet", "roaming"]


class TariffAssignment(BaseModel):
    tariff_id: str
    evse_id: int | None = Field(
        None, ge=1, le=INT32_MAX, description="Only this EVSE of the station (1 or more)."
    )
    customer_group: CustomerGroupName | None = Field(None, description=CUSTOMER_GROUP_DOC)


class AppliedTariffOut(BaseModel):
    tariff_id: str
    version: int
    source: str = Field(description="Where it is assigned: evse, station or site.")

    @classmethod
    def from_domain(cls, applied: AppliedTariff) -> AppliedTariffOut:
        return cls(tariff_id=applied.tariff_id, version=applied.version, source=applied.source)


class PricedLineOut(BaseModel):
    dimension: str = Field(description="ENERGY, TIME, PARKING_TIME, FLAT or an adjustment.")
    element: int | None = Field(description="The tariff element that set the price.")
    quantity: str = Field(description="In `unit`, exact.")
    unit: str = Field(description="kWh, h or session.")
    unit_price: str = Field(description=f"Excl. VAT. {AMOUNT_DOC}")
    amount_excl_vat: str = Field(description=f"Rounded once. {AMOUNT_DOC}")
    vat_rate: str | None = Field(description="Percent; null: no VAT applies.")


class VatLineOut(BaseModel):
    rate: str | None
    base: str = Field(description=AMOUNT_DOC)
    vat: str = Field(description=AMOUNT_DOC)


class PricedOut(BaseModel):
    currency: str
    lines: list[PricedLineOut]
    vat: list[VatLineOut]
    total_excl_vat: str = Field(description=AMOUNT_DOC)
    total_vat: str = Field(description=AMOUNT_DOC)
    total_incl_vat: str = Field(description=AMOUNT_DOC)
    energy_wh: str
    charging_seconds: str
    parking_seconds: str


class PreviewOut(PricedOut):
    tariff_id: str
    tariff_version: int

    @classmethod
    def from_domain(cls, stored: TariffVersion, priced: PricedSession) -> PreviewOut:
        return cls.model_validate(
            {"tariff_id": stored.tariff_id, "tariff_version": stored.version, **priced.to_json()}
        )
