"""A driver's id tokens on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.drivers.tokens import MAX_LENGTH, TokenKind
from laddnet.services.handlers.driver_tokens import DriverToken


class DriverTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(
        min_length=1, max_length=MAX_LENGTH, description="the idTag as stations send it"
    )
    kind: TokenKind = TokenKind.RFID


class DriverTokenOut(BaseModel):
    id: str = Field(description="names the token in URLs (a keyed hash; not the token)")
    value: str
    kind: str
    blocked: bool
    created_at: UtcDateTime

    @classmethod
    def from_domain(cls, token: DriverToken) -> DriverTokenOut:
        return cls(
            id=token.id,
            value=token.value,
            kind=token.kind,
            blocked=token.blocked,
            created_at=token.created_at,
        )
