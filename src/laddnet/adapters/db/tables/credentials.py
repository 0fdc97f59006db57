"""Credential changes sent to running stations (password rotation, security profile upgrade)
and the certificate renewals Laddnet asked for (migration 0015; attempts: 0023)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["certificate_renewals", "station_credential_changes"]

station_credential_changes = Table(
    "station_credential_changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("batch", String(40), nullable=True),
    Column("password_hash", Text, nullable=True),  # the new password, hashed; never in clear
    Column("target_profile", Integer, nullable=True),
    Column("requested_by", String(120), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime, nullable=True),
    Column("connected_at", UtcDateTime, nullable=True),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("detail", String(255), nullable=True),
    Column("command_id", BigId, nullable=True),
    # How many times it was sent (migration 0023): a rotation is sent again on reconnect.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index("ix_station_credential_changes_station", "station_id", "state"),
    Index("ix_station_credential_changes_batch", "batch"),
)

certificate_renewals = Table(
    "certificate_renewals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("certificate_id", BigId, nullable=False),
    Column("asked_at", UtcDateTime, nullable=False),
    Column("outcome", String(20), nullable=False),  # requested | failed
    Column("detail", String(255), nullable=True),
    Index("ix_certificate_renewals_certificate", "certificate_id", "asked_at"),
)
