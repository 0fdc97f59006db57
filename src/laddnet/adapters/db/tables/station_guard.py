"""Site allow-lists, the networks each station has connected from, and firmware versions
marked vulnerable (migration 0017)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, String, Table, UniqueConstraint

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

__all__ = ["firmware_vulnerabilities", "site_allowed_networks", "station_networks"]

# A site's allowed source networks (JSON list of CIDR); they apply to its stations that have
# no list of their own. No row: anywhere.
site_allowed_networks = Table(
    "site_allowed_networks",
    metadata,
    Column("site_id", String(48), primary_key=True),
    Column("networks", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# The networks (/24, /48) each station has connected from.
station_networks = Table(
    "station_networks",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("network", String(64), primary_key=True),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
)

firmware_vulnerabilities = Table(
    "firmware_vulnerabilities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("vendor", String(50), nullable=False),
    Column("model", String(50), nullable=False),
    Column("version", String(50), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("marked_by", String(255), nullable=False),
    Column("marked_at", UtcDateTime, nullable=False),
    UniqueConstraint("vendor", "model", "version", name="uq_firmware_vulnerabilities_version"),
    Index("ix_firmware_vulnerabilities_model", "vendor", "model"),
)
