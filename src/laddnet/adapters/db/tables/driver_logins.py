"""Drivers' own logins (migration 0018): the password hash, a one-time setup token's hash and
the optional TOTP secret (encrypted like the personal data). Login sessions share
`login_sessions`, their user id being `drv:<driver id>` so they never pass as an operator's."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, String, Table, Text

from laddnet.adapters.db.tables.base import metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["driver_logins"]

driver_logins = Table(
    "driver_logins",
    metadata,
    Column("driver_id", String(24), primary_key=True),
    Column("password_hash", String(255), nullable=True),
    Column("setup_token_hash", String(64), nullable=True, unique=True),
    Column("setup_expires_at", UtcDateTime, nullable=True),
    Column("totp_secret_enc", Text, nullable=True),
    Column("totp_enabled", Boolean, nullable=False),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
