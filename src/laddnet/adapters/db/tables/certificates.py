"""Station certificates issued by Laddnet's station CA (migration 0010; revocation 0021)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text, UniqueConstraint

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["station_certificates"]

station_certificates = Table(
    "station_certificates",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("use", String(40), nullable=False),
    Column("serial_number", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("issuer", String(255), nullable=False),
    Column("not_before", UtcDateTime, nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("fingerprint_sha256", String(64), nullable=False),
    Column("pem", Text, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),  # revoked by an operator (0021)
    Column("revoked_reason", String(40), nullable=True),  # an RFC 5280 reason name
    UniqueConstraint("issuer", "serial_number", name="uq_station_certificates_serial"),
    Index("ix_station_certificates_station", "station_id", "not_after"),
)
