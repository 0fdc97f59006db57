"""Charge detail records as the API shows them: amounts as decimal strings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.reviews import ReviewOut
from laddnet.api.schemas.tariffs import AMOUNT_DOC, PricedLineOut, VatLineOut
from laddnet.domain.pricing.cdr import Cdr


class SignedMeterValueOut(BaseModel):
    sampled_at: str
    measurand: str
    context: str | None
    signed_meter_data: str = Field(description="Exactly as sent (1.6: the sampled value).")
    signing_method: str | None
    encoding_method: str | None
    public_key: str | None


class CdrOut(BaseModel):
    id: int
    session_id: int
    station_id: str
    site_id: str | None
    evse_id: int | None
    id_token: str | None
    started_at: UtcDateTime
    stopped_at: UtcDateTime
    time_zone: str = Field(description="The site's IANA time zone the tariff was applied in.")
    energy_wh: str = Field(description="Energy charged, Wh, exact.")
    charging_seconds: int
    parking_seconds: int
    tariff_id: str
    tariff_version: int
    currency: str
    lines: list[PricedLineOut]
    vat: list[VatLineOut]
    total_excl_vat: str = Field(description=AMOUNT_DOC)
    total_vat: str = Field(description=AMOUNT_DOC)
    total_incl_vat: str = Field(description=AMOUNT_DOC)
    signed_meter_values: list[SignedMeterValueOut] = Field(
        description="As the station sent them (1.6 SignedData, 2.0.1 signedMeterValue)."
    )
    issued_at: UtcDateTime
    seq: int = Field(description="The session's CDRs in order: 0 is the original.")
    kind: Literal["original", "credit", "reissue"] = Field(
        description="original; or a correction made by data that came after it was issued: a"
        " credit reversing the CDR in effect (every amount and quantity negative) and a reissue"
        " replacing it."
    )
    credit: bool = Field(description="True for a credit CDR (OCPI's credit).")
    corrects_cdr_id: int | None = Field(
        description="credit and reissue: the CDR they correct (OCPI's credit_reference_id)."
    )
    review: ReviewOut | None = Field(
        None, description="GET /sessions/{id}/cdr: the review decision it was issued after."
    )

    @classmethod
    def from_domain(cls, cdr: Cdr) -> CdrOut:
        return cls.model_validate(cdr.to_json())


class CdrHistory(BaseModel):
    session_id: int
    effective_cdr_id: int = Field(description="The CDR in effect: the latest that is no credit.")
    total_incl_vat: str = Field(description="What the session's CDRs add up to. " + AMOUNT_DOC)
    currency: str
    items: list[CdrOut] = Field(description="Oldest first: the original, then each correction.")


class CdrPage(BaseModel):
    items: list[CdrOut]
    total: int
    limit: int
    offset: int


CSV_COLUMNS = (
    "id", "session_id", "station_id", "site_id", "evse_id", "id_token", "started_at",
    "stopped_at", "time_zone", "energy_wh", "charging_seconds", "parking_seconds", "tariff_id",
    "tariff_version", "currency", "total_excl_vat", "total_vat", "total_incl_vat",
    "seq", "kind", "corrects_cdr_id",
)  # fmt: skip
