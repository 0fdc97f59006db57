"""Operators' decisions on sessions flagged for review (approve, with corrected energy, or
void): one per session, never changed."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from laddnet.adapters.db.tables.base import metadata
from laddnet.adapters.db.types import UtcDateTime, WattHours

session_reviews = Table(
    "session_reviews",
    metadata,
    Column("session_id", Integer, primary_key=True),  # one decision per session, ever
    Column("decision", String(16), nullable=False),  # approve | void
    Column("energy_wh", WattHours, nullable=True),  # corrected energy of an approval
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
)

__all__ = ["session_reviews"]
