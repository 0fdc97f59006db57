"""Security events: what Laddnet refused or found suspicious, for an operator to review."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.security.model import SecurityEventKind


class SecurityEventOut(BaseModel):
    id: int
    kind: SecurityEventKind
    station_id: str | None = Field(description="The station concerned, if known.")
    detail: str = Field(description="What happened, for a person; never a secret.")
    remote_address: str | None = Field(description="host:port of the peer, if a connection.")
    occurred_at: UtcDateTime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SecurityEventOut:
        return cls(
            id=row["id"],
            kind=SecurityEventKind(row["kind"]),
            station_id=row["station_id"],
            detail=row["detail"],
            remote_address=row["remote_address"],
            occurred_at=row["occurred_at"],
        )


class SecurityEventPage(BaseModel):
    items: list[SecurityEventOut]
    total: int
    limit: int
    offset: int
