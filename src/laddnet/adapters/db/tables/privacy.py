"""Drivers (personal fields as ciphertext, the e-mail also as a blind index) and the wrapped
data and index keys (migration 0009)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from laddnet.adapters.db.tables.base import metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["crypto_keys", "drivers"]

drivers = Table(
    "drivers",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("name_enc", Text, nullable=True),
    Column("email_enc", Text, nullable=True),
    Column("email_index", String(64), nullable=True),
    Column("phone_enc", Text, nullable=True),
    Column("address_enc", Text, nullable=True),
    Column("language", String(16), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("erased_at", UtcDateTime, nullable=True),
    Index("ix_drivers_email_index", "email_index", unique=True),
)

# purpose: "data" (AES-GCM of personal fields; the newest encrypts) or "index" (blind index).
crypto_keys = Table(
    "crypto_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("wrapped", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
