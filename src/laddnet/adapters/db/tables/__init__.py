"""The schema, as SQLAlchemy Core tables. Alembic migrations mirror this package.

The tables of the station core live here; each later area keeps its own module beside it
(imported at the end of this file so `metadata` always holds every table)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
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

from laddnet.adapters.db.tables.accounts import *  # noqa: F403,E402
from laddnet.adapters.db.tables.certificates import *  # noqa: F403,E402
from laddnet.adapters.db.tables.credentials import *  # noqa: F403,E402
from laddnet.adapters.db.tables.customer_information import *  # noqa: F403,E402
from laddnet.adapters.db.tables.driver_logins import *  # noqa: F403,E402
from laddnet.adapters.db.tables.events import *  # noqa: F403,E402
from laddnet.adapters.db.tables.hardening import *  # noqa: F403,E402
from laddnet.adapters.db.tables.health import *  # noqa: F403,E402
from laddnet.adapters.db.tables.maintenance import *  # noqa: F403,E402
from laddnet.adapters.db.tables.operations import *  # noqa: F403,E402
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
