"""The schema, as SQLAlchemy Core tables. Alembic migrations mirror this package.

The tables of the station core live here; each later area keeps its own module beside it
(imported at the end of this file so `metadata` always holds every table)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from laddnet.adapters.db.tables.base import BigId as BigId
from laddnet.adapters.db.tables.base import metadata as metadata
from laddnet.adapters.db.types import UtcDateTime, WattHours

stations = Table(
    "stations",
    metadata,
    Column("id", String(48), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("registration_status", String(16), nullable=True),
    Column("ocpp_version", String(8), nullable=True),
    Column("vendor", String(50), nullable=True),
    Column("model", String(50), nullable=True),
    Column("serial_number", String(50), nullable=True),
    Column("firmware_version", String(50), nullable=True),
    Column("connected", Boolean, nullable=False, default=False),
    Column("connected_since", UtcDateTime, nullable=True),
    Column("connected_node", String(255), nullable=True),
    Column("last_seen_at", UtcDateTime, nullable=True),
    Column("last_boot_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("site_id", String(48), nullable=True),
    Column("display_name", String(100), nullable=True),
    # A decommissioned station is refused at login and left out of lists; its history stays.
    Column("decommissioned_at", UtcDateTime, nullable=True),
    # When Laddnet last read the station's configuration (asked once, not at every boot).
    Column("configuration_read_at", UtcDateTime, nullable=True),
    # The OCPP security profile (1-3): the station never connects with a lower one.
    Column("security_profile", Integer, nullable=False, default=1, server_default="1"),
    # CIDR networks it may connect from (JSON list); NULL: anywhere.
    Column("allowed_networks", JSON, nullable=True),
    Index("ix_stations_site", "site_id"),
)

connectors = Table(
    "connectors",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("connector_id", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("charging_state", String(16), nullable=True),
    Column("error_code", String(50), nullable=True),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

# An EVSE's own availability; evse_id 0 is the station as a whole. Connectors keep theirs above.
evse_availability = Table(
    "evse_availability",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("error_code", String(50), nullable=True),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

id_tokens = Table(
    "id_tokens",
    metadata,
    Column("value", String(36), primary_key=True),
    Column("blocked", Boolean, nullable=False, default=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("group_id", String(36), nullable=True),
    Column("owner", String(100), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # A driver's token (migration 0012): `value` is its keyed hash ("#" + hex), the token
    # itself only encrypted in `value_enc` (docs/security.md).
    Column("driver_id", String(24), nullable=True),
    Column("value_enc", Text, nullable=True),
    Column("kind", String(16), nullable=True),
    Index("ix_id_tokens_driver_id", "driver_id"),
)

# `id` is the 1.6 transactionId: an int32 from the database's own sequence.
sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("transaction_ref", String(36), nullable=True),
    Column("start_key", String(200), nullable=True, unique=True),
    Column("ocpp_version", String(8), nullable=False),
    Column("evse_id", Integer, nullable=True),
    Column("connector_id", Integer, nullable=True),
    Column("id_token", String(36), nullable=True),
    Column("authorization_status", String(16), nullable=True),
    Column("status", String(16), nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("stopped_at", UtcDateTime, nullable=True),
    Column("stop_reason", String(32), nullable=True),
    Column("meter_start_wh", WattHours, nullable=True),
    Column("meter_stop_wh", WattHours, nullable=True),
    Column("energy_wh", WattHours, nullable=False, default=0),
    # The last energy-register reading counted in energy_wh, so the next one is checked against
    # it without re-reading the whole session.
    Column("last_register_at", UtcDateTime, nullable=True),
    Column("last_register_wh", WattHours, nullable=True),
    Column("review_required", Boolean, nullable=False, default=False),
    Column("anomalies", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("incomplete_since", UtcDateTime, nullable=True),  # 2.0.1 seqNo gap (tables/hardening.py)
    UniqueConstraint("station_id", "transaction_ref", name="uq_sessions_station_ref"),
    Index("ix_sessions_station_started", "station_id", "started_at"),
    Index("ix_sessions_started", "started_at"),
)

transaction_events = Table(
    "transaction_events",
    metadata,
    Column("session_id", Integer, primary_key=True),
    Column("seq_no", Integer, primary_key=True),
    Column("event_type", String(16), nullable=False),
    Column("trigger_reason", String(32), nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

# One row per station, EVSE and timestamp (a meter value, as OCPP groups sampled values): the
# sampled values as a compact JSON array (see meter_codec.py), the billed main register lifted
# into register_wh. One row instead of one per sampled value costs a fifth of the CPU and disk.
meter_values = Table(
    "meter_values",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("session_id", Integer, nullable=True),
    Column("sampled_at", UtcDateTime, nullable=False),
    Column("register_wh", WattHours, nullable=True),
    Column("samples", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    UniqueConstraint("station_id", "evse_id", "sampled_at", name="uq_meter_values_identity"),
    Index("ix_meter_values_session", "session_id", "sampled_at"),
)

security_events = Table(
    "security_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("remote_address", String(64), nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
)

station_events = Table(
    "station_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_station_events_station", "station_id", "received_at"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("key_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("label", String(100), nullable=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Migration 0009: site scope (JSON list, NULL for every site), expiry, last use, creator.
    Column("sites", JSON, nullable=True),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("created_by", String(64), nullable=True),
)

# --- Network management and remote operations (migration 0005) ---------------------------

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

# The outbox: domain events written in the transaction of the change they describe, published
# after commit. `id` is the event id clients see (SSE Last-Event-ID).
outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("type", String(40), nullable=False),
    Column("station_id", String(48), nullable=True),
    Column("data", JSON, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Index("ix_outbox_events_unpublished", "published_at", "id"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("url", String(2048), nullable=False),
    Column("events", JSON, nullable=False),
    Column("secret", String(128), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# One row per event and webhook: pending until delivered or given up; retried with backoff.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("webhook_id", BigInteger, nullable=False),
    Column("event_id", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("last_attempt_at", UtcDateTime, nullable=True),
    Column("response_status", Integer, nullable=True),
    Column("error", String(255), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

from laddnet.adapters.db.tables.accounts import *  # noqa: F403,E402
from laddnet.adapters.db.tables.certificates import *  # noqa: F403,E402
from laddnet.adapters.db.tables.credentials import *  # noqa: F403,E402
from laddnet.adapters.db.tables.customer_information import *  # noqa: F403,E402
from laddnet.adapters.db.tables.driver_logins import *  # noqa: F403,E402
from laddnet.adapters.db.tables.hardening import *  # noqa: F403,E402
from laddnet.adapters.db.tables.health import *  # noqa: F403,E402
from laddnet.adapters.db.tables.maintenance import *  # noqa: F403,E402
from laddnet.adapters.db.tables.pricing import (  # noqa: E402, F401
    cdr_queue,
    cdrs,
    journal_entries,
    journal_lines,
    pricing_issues,
    signed_meter_values,
    tariff_assignments,
    tariff_versions,
    tariffs,
)
from laddnet.adapters.db.tables.privacy import *  # noqa: F403,E402
from laddnet.adapters.db.tables.reviews import *  # noqa: F403,E402
from laddnet.adapters.db.tables.station_guard import *  # noqa: F403,E402
