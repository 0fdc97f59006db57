"""An operator's review decision on a flagged session, as the API takes and shows it."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.pricing.review import MAX_ENERGY_WH, SessionReview


class ReviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "void"] = Field(
        description="approve: it gets its CDR (with energy_wh if given); void: never billed."
    )
    energy_wh: Decimal | None = Field(
        None,
        ge=0,
        le=MAX_ENERGY_WH,
        allow_inf_nan=False,
        description="approve only: the corrected energy in Wh (exact), spread evenly over the"
        " session; absent: the energy as recorded.",
    )


class ReviewOut(BaseModel):
    decision: Literal["approve", "void"]
    energy_wh: str | None = Field(description="Corrected energy in Wh, exact; None: as recorded.")
    decided_by: str = Field(description="Who decided (user:<email> or apikey:<id>).")
    decided_at: UtcDateTime

    @classmethod
    def from_domain(cls, review: SessionReview) -> ReviewOut:
        return cls.model_validate(review.to_json())
