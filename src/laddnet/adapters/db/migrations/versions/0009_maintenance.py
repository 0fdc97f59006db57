"""Fault detection and maintenance: service statuses, alerts, alert rules, station monitoring,
tickets, presence history, maintenance windows, uptime exclusions, recovery attempts,
notification recipients

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:00:00

Every table is new; a downgrade drops them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)


def _id_column() -> sa.Column[int]:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "service_statuses",
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("since", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("station_id", "evse_id", "connector_id"),
    )
    op.create_index("ix_service_statuses_status", "service_statuses", ["status"], unique=False)
    op.create_table(
        "alerts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("opened_at", _UTC, nullable=False),
        sa.Column("closed_at", _UTC, nullable=True),
        sa.Column("close_reason", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("open_marker", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "station_id", "evse_id", "connector_id", "kind", "open_marker", name="uq_alerts_open"
        ),
    )
    op.create_index("ix_alerts_open", "alerts", ["open_marker", "station_id"], unique=False)
    op.create_index("ix_alerts_opened", "alerts", ["opened_at"], unique=False)
    op.create_table(
        "alert_rules",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    op.create_table(
        "station_monitoring",
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("maintenance", sa.Boolean(), nullable=False),
        sa.Column("maintenance_reason", sa.String(length=255), nullable=True),
        sa.Column("maintenance_since", _UTC, nullable=True),
        sa.Column("maintenance_until", _UTC, nullable=True),
        sa.Column("maintenance_by", sa.String(length=64), nullable=True),
        sa.Column("recent_boots", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("station_id"),
    )
    op.create_index(
        "ix_station_monitoring_maintenance", "station_monitoring", ["maintenance"], unique=False
    )

    op.create_table(
        "tickets",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("cause", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.Column("acknowledged_at", _UTC, nullable=True),
        sa.Column("resolved_at", _UTC, nullable=True),
        sa.Column("closed_at", _UTC, nullable=True),
        sa.Column("open_marker", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("station_id", "cause", "open_marker", name="uq_tickets_active"),
    )
    op.create_index("ix_tickets_status", "tickets", ["status", "created_at"], unique=False)
    op.create_index("ix_tickets_station", "tickets", ["station_id", "created_at"], unique=False)
    op.create_table(
        "ticket_alerts",
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("alert_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", "alert_id"),
    )
    op.create_index("ix_ticket_alerts_alert", "ticket_alerts", ["alert_id"], unique=False)
    op.create_table(
        "ticket_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_history_ticket", "ticket_history", ["ticket_id", "id"], unique=False)

    op.create_table(
        "presence_history",
        _id_column(),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("station_id", "at", "connected", name="uq_presence_history_change"),
    )
    op.create_table(
        "maintenance_windows",
        _id_column(),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("started_at", _UTC, nullable=False),
        sa.Column("ended_at", _UTC, nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_maintenance_windows_station",
        "maintenance_windows",
        ["station_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "uptime_exclusions",
        _id_column(),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("starts_at", _UTC, nullable=False),
        sa.Column("ends_at", _UTC, nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_uptime_exclusions_station",
        "uptime_exclusions",
        ["station_id", "starts_at"],
        unique=False,
    )
    op.create_table(
        "recovery_attempts",
        _id_column(),
        sa.Column("alert_id", sa.BigInteger(), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("command_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("cleared", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "step", name="uq_recovery_attempts_step"),
    )
    op.create_index(
        "ix_recovery_attempts_station", "recovery_attempts", ["station_id", "at"], unique=False
    )
    op.create_table(
        "notification_recipients",
        _id_column(),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("min_severity", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "notifications_sent",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("sent_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "email"),
    )


def downgrade() -> None:
    op.drop_table("notifications_sent")
    op.drop_table("notification_recipients")
    op.drop_table("recovery_attempts")
    op.drop_table("uptime_exclusions")
    op.drop_table("maintenance_windows")
    op.drop_table("presence_history")
    op.drop_table("ticket_history")
    op.drop_table("ticket_alerts")
    op.drop_table("tickets")
    op.drop_table("station_monitoring")
    op.drop_table("alert_rules")
    op.drop_table("alerts")
    op.drop_table("service_statuses")
