"""Health signals (migration 0014): the firmware version each station runs and since when
Laddnet has seen it run it (the health score's firmware age)."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from laddnet.adapters.db.tables.base import metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["firmware_seen"]

firmware_seen = Table(
    "firmware_seen",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("firmware_version", String(50), nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
)
