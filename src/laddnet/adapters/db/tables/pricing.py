"""Tariffs and their versions, where they apply, charge detail records (CDRs) and the queue of
sessions waiting for one, and the double-entry ledger."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from laddnet.adapters.db.money import Amount
from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime, WattHours

# A session names the tariff version that applied when it started; a site its currency and VAT.
sessions, sites = metadata.tables["sessions"], metadata.tables["sites"]
sessions.append_column(Column("tariff_id", String(36), nullable=True))
sessions.append_column(Column("tariff_version", Integer, nullable=True))
sites.append_column(Column("currency", String(3), nullable=False, server_default="SEK"))
sites.append_column(Column("vat_percent", String(8), nullable=False, server_default="25"))

tariffs = Table(
    "tariffs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Every version ever made; a session names the one it was priced with, so none is changed.
tariff_versions = Table(
    "tariff_versions",
    metadata,
    Column("tariff_id", String(36), ForeignKey("tariffs.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("body", JSON, nullable=False),  # the tariff's JSON shape, amounts as strings
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    PrimaryKeyConstraint("tariff_id", "version"),
)

# Which tariff applies where: a site (evse_id 0), a station (evse_id 0) or one EVSE of a station.
tariff_assignments = Table(
    "tariff_assignments",
    metadata,
    Column("target_kind", String(8), nullable=False),  # site | station | evse
    Column("target_id", String(48), nullable=False),  # the site or station id
    Column("evse_id", Integer, nullable=False),
    Column("tariff_id", String(36), ForeignKey("tariffs.id"), nullable=False),
    Column("assigned_at", UtcDateTime, nullable=False),
    Column("assigned_by", String(64), nullable=False),
    PrimaryKeyConstraint("target_kind", "target_id", "evse_id"),
)

# A tariff for one customer group at a site, station or EVSE: it applies to that group's
# sessions there instead of the group-less one in `tariff_assignments`.
tariff_group_assignments = Table(
    "tariff_group_assignments",
    metadata,
    Column("target_kind", String(8), nullable=False),
    Column("target_id", String(48), nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("customer_group", String(16), nullable=False),  # ad_hoc | member | fleet | roaming
    Column("tariff_id", String(36), ForeignKey("tariffs.id"), nullable=False),
    Column("assigned_at", UtcDateTime, nullable=False),
    Column("assigned_by", String(64), nullable=False),
    PrimaryKeyConstraint("target_kind", "target_id", "evse_id", "customer_group"),
)

# An id token's customer group (None: ad_hoc), which picks the tariff of its sessions.
id_tokens = metadata.tables["id_tokens"]
id_tokens.append_column(Column("customer_group", String(16), nullable=True))

# Sessions that ended and wait for their CDR: written in the unit of work that ends the session,
# taken by the CDR issuer after commit, so a CDR is made even if the server stops in between.
cdr_queue = Table(
    "cdr_queue",
    metadata,
    Column("session_id", Integer, primary_key=True),
    Column("queued_at", UtcDateTime, nullable=False),
)

# A session that ended but could not be priced (no tariff applied): shown, never free.
pricing_issues = Table(
    "pricing_issues",
    metadata,
    Column("session_id", Integer, primary_key=True),
    Column("station_id", String(48), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("noted_at", UtcDateTime, nullable=False),
)

# Signed meter values (1.6 SignedData, 2.0.1 signedMeterValue) exactly as the station sent
# them, once each; a CDR carries its session's.
signed_meter_values = Table(
    "signed_meter_values",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", Integer, nullable=False),
    Column("station_id", String(48), nullable=False),
    Column("sampled_at", UtcDateTime, nullable=False),
    Column("measurand", String(50), nullable=False),
    Column("context", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("signing_method", String(50), nullable=True),
    Column("encoding_method", String(50), nullable=True),
    Column("public_key", Text, nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    UniqueConstraint(
        "session_id", "sampled_at", "measurand", "context", name="uq_signed_meter_values"
    ),
)

cdrs = Table(
    "cdrs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", Integer, nullable=False),
    Column("station_id", String(48), nullable=False),
    Column("site_id", String(48), nullable=True),
    Column("evse_id", Integer, nullable=True),
    Column("id_token", String(36), nullable=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("stopped_at", UtcDateTime, nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("energy_wh", WattHours, nullable=False),
    Column("charging_seconds", Integer, nullable=False),
    Column("parking_seconds", Integer, nullable=False),
    Column("tariff_id", String(36), nullable=False),
    Column("tariff_version", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", JSON, nullable=False),  # amounts as decimal strings
    Column("vat_lines", JSON, nullable=False),
    Column("total_excl_vat", Amount, nullable=False),
    Column("total_vat", Amount, nullable=False),
    Column("total_incl_vat", Amount, nullable=False),
    Column("signed_meter_values", JSON, nullable=False),  # as the station sent them
    Column("issued_at", UtcDateTime, nullable=False),
    # A session's CDRs in order: 0 the original; a correction adds a credit reversing the CDR
    # in effect and a re-issue replacing it (both name it), so what was billed is explained.
    Column("seq", Integer, nullable=False, server_default="0"),
    Column("kind", String(8), nullable=False, server_default="original"),  # | credit | reissue
    Column("corrects_cdr_id", BigId, nullable=True),
    Index("ix_cdrs_stopped", "stopped_at"),
    Index("ix_cdrs_station_stopped", "station_id", "stopped_at"),
    UniqueConstraint("session_id", "seq", name="uq_cdrs_session_seq"),  # one original, ever
    UniqueConstraint("corrects_cdr_id", "kind", name="uq_cdrs_corrects"),  # reversed once
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("entry_key", String(64), nullable=False, unique=True),  # e.g. "cdr:<id>": posted once
    Column("kind", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("description", Text, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("cdr_id", BigId, nullable=True),
    Column("site_id", String(48), nullable=True),
    Column("station_id", String(48), nullable=True),
    Index("ix_journal_entries_occurred", "occurred_at"),
)

journal_lines = Table(
    "journal_lines",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("entry_id", BigId, ForeignKey("journal_entries.id"), nullable=False),
    Column("account", String(64), nullable=False),
    Column("debit", Amount, nullable=False),
    Column("credit", Amount, nullable=False),
    Column("dimension", String(16), nullable=True),  # revenue lines: ENERGY, TIME, ...
    Column("quantity", String(40), nullable=True),  # kWh for ENERGY lines, as exact text
    Index("ix_journal_lines_account", "account"),
)
