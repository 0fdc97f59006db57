"""Fault detection and maintenance (migration 0007): service statuses, alerts, alert rules,
each station's maintenance mode and recent boots, and maintenance tickets."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from laddnet.adapters.db.tables.base import BigId, metadata
from laddnet.adapters.db.types import UtcDateTime

# The last service status computed for each connector and station (evse_id 0, connector_id 0),
# and since when it holds: what `service_status.changed` compares against.
service_statuses = Table(
    "service_statuses",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("evse_id", Integer, primary_key=True),
    Column("connector_id", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("reason", String(120), nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Index("ix_service_statuses_status", "status"),
)

# Alerts. `open_marker` is 1 while the alert is open and NULL once closed: the unique key then
# allows one open alert per station, EVSE, connector and kind (NULLs are distinct) and any
# number of closed ones, on SQLite and PostgreSQL alike.
alerts = Table(
    "alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("evse_id", Integer, nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("site_id", String(48), nullable=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("close_reason", String(64), nullable=True),
    Column("details", JSON, nullable=False),
    Column("open_marker", Integer, nullable=True),
    UniqueConstraint(
        "station_id", "evse_id", "connector_id", "kind", "open_marker", name="uq_alerts_open"
    ),
    Index("ix_alerts_open", "open_marker", "station_id"),
    Index("ix_alerts_opened", "opened_at"),
)

# Overrides of the default alert rules: scope "network" or "site:<site id>".
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("overrides", JSON, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Per station: maintenance mode (set through the API) and the recent boots the boot-loop rule
# counts (kept here, so that a restart forgets none).
station_monitoring = Table(
    "station_monitoring",
    metadata,
    Column("station_id", String(48), primary_key=True),
    Column("maintenance", Boolean, nullable=False, default=False),
    Column("maintenance_reason", String(255), nullable=True),
    Column("maintenance_since", UtcDateTime, nullable=True),
    Column("maintenance_until", UtcDateTime, nullable=True),
    Column("maintenance_by", String(64), nullable=True),
    Column("recent_boots", JSON, nullable=False),
    Index("ix_station_monitoring_maintenance", "maintenance"),
)

# Maintenance tickets. `open_marker` is 1 while a ticket opened from alerts or drivers' reports
# is active (open, acknowledged, in progress): one such ticket per station and cause.
tickets = Table(
    "tickets",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("site_id", String(48), nullable=True),
    Column("cause", String(32), nullable=False),
    Column("source", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("assignee", String(100), nullable=True),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("acknowledged_at", UtcDateTime, nullable=True),
    Column("resolved_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("open_marker", Integer, nullable=True),
    UniqueConstraint("station_id", "cause", "open_marker", name="uq_tickets_active"),
    Index("ix_tickets_status", "status", "created_at"),
    Index("ix_tickets_station", "station_id", "created_at"),
)

ticket_alerts = Table(
    "ticket_alerts",
    metadata,
    Column("ticket_id", BigInteger, primary_key=True),
    Column("alert_id", BigInteger, primary_key=True),
    Index("ix_ticket_alerts_alert", "alert_id"),
)

# Each ticket's notes and changes (status, assignee, priority, linked alerts), oldest first.
ticket_history = Table(
    "ticket_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("ticket_id", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_ticket_history_ticket", "ticket_id", "id"),
)

# For uptime: when each station connected and disconnected (Laddnet's time), its maintenance
# windows, and outages outside the operator's control that uptime leaves out.
presence_history = Table(
    "presence_history",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("connected", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    UniqueConstraint("station_id", "at", "connected", name="uq_presence_history_change"),
)

maintenance_windows = Table(
    "maintenance_windows",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("reason", String(255), nullable=False),
    Column("started_by", String(64), nullable=False),
    Index("ix_maintenance_windows_station", "station_id", "started_at"),
)

uptime_exclusions = Table(
    "uptime_exclusions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("station_id", String(48), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", String(255), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_uptime_exclusions_station", "station_id", "starts_at"),
)

# Automatic recovery: each step taken for an alert (one per alert and step, whichever process
# takes it), the command sent, the answer, and whether the fault cleared after it.
recovery_attempts = Table(
    "recovery_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("alert_id", BigInteger, nullable=False),
    Column("station_id", String(48), nullable=False),
    Column("step", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("command_id", BigInteger, nullable=True),
    Column("status", String(40), nullable=True),
    Column("error", String(255), nullable=True),
    Column("cleared", Boolean, nullable=True),
    UniqueConstraint("alert_id", "step", name="uq_recovery_attempts_step"),
    Index("ix_recovery_attempts_station", "station_id", "at"),
)

# E-mail notifications: who gets which alerts and ticket changes, and which event went to whom
# (one process sends each: the key is claimed before the message leaves).
notification_recipients = Table(
    "notification_recipients",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False),
    Column("site_id", String(48), nullable=True),
    Column("min_severity", String(16), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

notifications_sent = Table(
    "notifications_sent",
    metadata,
    Column("event_id", BigInteger, primary_key=True),
    Column("email", String(254), primary_key=True),
    Column("sent_at", UtcDateTime, nullable=False),
    # None or "sent"; "retrying" while the mail server refuses for now; "failed" for good
    Column("status", String(16), nullable=True),
    Column("attempts", Integer, nullable=True),
    Column("error", String(255), nullable=True),
)
