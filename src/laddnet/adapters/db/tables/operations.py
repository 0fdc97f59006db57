"""Network management and remote operations (migration 0005): sites, status history, the
audit log, station commands and configuration, firmware updates, log uploads and reservations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

# An operator's location. Coordinates are decimal text as OCPI writes them (never float).
sites = Table(
    "sites",
    metadata,
    Column("id", String(48), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("address", String(255), nullable=True),
    Column("postal_code", String(20), nullable=True),
    Column("city", String(100), nullable=True),
    Column("country", String(2), nullable=True),
    Column("latitude", String(16), nullable=True),
    Column("longitude", String(16), nullable=True),
    Column("time_zone", String(64), nullable=False),
    Column("opening_hours", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Every change of a connector's, an EVSE's or the whole station's status, as reported.
# connector_id 0 is an EVSE's own availability; evse_id 0 and connector_id 0 the station's.
status_history = Table(
    "status_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("charging_state", String(16), nullable=True),
    Column("error_code", String(50), nullable=True),
    Column("vendor_id", String(255), nullable=True),
    Column("vendor_error_code", String(50), nullable=True),
    Column("info", String(255), nullable=True),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_status_history_station", "station_id", "reported_at"),
)

# Who changed what through the API or the CLI: the API key (or "cli") and the target.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64), nullable=True),
    Column("detail", JSON, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    # Migration 0009: where the request came from, how it ended, and the hash chain.
    Column("source", String(64), nullable=True),
    Column("outcome", String(16), nullable=False, default="ok"),
    Column("prev_hash", String(64), nullable=True),
    Column("hash", String(64), nullable=True),
    Index("ix_audit_log_target", "target_type", "target_id", "occurred_at"),
    Index("ix_audit_log_time", "occurred_at"),
)

# Each command sent to a station, what it became on the wire and how the station answered.
# outcome: pending | answered | rejected (a CALLERROR) | timeout | offline | failed
station_commands = Table(
    "station_commands",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("name", String(32), nullable=False),
    Column("body", JSON, nullable=False),
    Column("ocpp_action", String(40), nullable=True),
    Column("request", JSON, nullable=True),
    Column("sent_by", String(64), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("status", String(40), nullable=True),
    Column("response", JSON, nullable=True),
    Column("error", String(255), nullable=True),
    Column("answered_at", UtcDateTime, nullable=True),
    Index("ix_station_commands_station", "station_id", "requested_at"),
)

# The configuration read from a station: 1.6 keys (component "") and the 2.0.1 device model.
# Absent parts of the key are "" or 0, never NULL, so the unique key holds on every backend.
station_configuration = Table(
    "station_configuration",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("component", String(50), nullable=False),
    Column("component_instance", String(50), nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("variable", String(50), nullable=False),
    Column("variable_instance", String(50), nullable=False),
    Column("attribute_type", String(16), nullable=False),
    Column("value", Text, nullable=True),
    Column("mutability", String(16), nullable=True),
    Column("characteristics", JSON, nullable=True),
    Column("reported_at", UtcDateTime, nullable=False),
    UniqueConstraint(
        "station_id",
        "component",
        "component_instance",
        "evse_id",
        "connector_id",
        "variable",
        "variable_instance",
        "attribute_type",
        name="uq_station_configuration_item",
    ),
)

# Firmware updates requested of a station, and each status the station reported after.
firmware_updates = Table(
    "firmware_updates",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("location", String(512), nullable=False),
    Column("retrieve_at", UtcDateTime, nullable=False),
    Column("retries", Integer, nullable=True),
    Column("retry_interval", Integer, nullable=True),
    Column("signature", Text, nullable=True),
    Column("signing_certificate", Text, nullable=True),
    Column("command_id", BigInteger, nullable=True),
    Column("status", String(40), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_firmware_updates_station", "station_id", "requested_at"),
)

firmware_statuses = Table(
    "firmware_statuses",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("update_id", BigInteger, nullable=True),
    Column("status", String(40), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_firmware_statuses_station", "station_id", "received_at"),
)

# Log uploads requested of a station: a one-time token (its sha256 kept) names the upload
# location; the uploaded file is kept here, size-limited.
log_uploads = Table(
    "log_uploads",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("request_id", Integer, nullable=False),
    Column("log_type", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("command_id", BigInteger, nullable=True),
    Column("status", String(40), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("filename", String(255), nullable=True),
    Column("size_bytes", BigInteger, nullable=True),
    Column("content", LargeBinary, nullable=True),
    Column("uploaded_at", UtcDateTime, nullable=True),
    Index("ix_log_uploads_station", "station_id", "requested_at"),
)

# Reservations; `id` is the reservationId sent to the station. status: requested | active |
# used | cancelled | expired | rejected
reservations = Table(
    "reservations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("evse_id", Integer, nullable=True),
    Column("id_token", String(36), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("command_id", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_reservations_station", "station_id", "status"),
)
