"""Sites, station writes, status history, the audit log, station commands and what they
bring (configuration, firmware, log uploads, reservations), the event outbox and webhooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 23:00:00

Every table is new; stations gain their site, a display name, a decommissioning time and when
their configuration was last read. A downgrade drops all of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("occurred_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_audit_log_target",
        "audit_log",
        ["target_type", "target_id", "occurred_at"],
        unique=False,
    )
    op.create_table(
        "firmware_statuses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("received_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_firmware_statuses_station",
        "firmware_statuses",
        ["station_id", "received_at"],
        unique=False,
    )
    op.create_table(
        "firmware_updates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=512), nullable=False),
        sa.Column("retrieve_at", _UTC, nullable=False),
        sa.Column("retries", sa.Integer(), nullable=True),
        sa.Column("retry_interval", sa.Integer(), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.Column("signing_certificate", sa.Text(), nullable=True),
        sa.Column("command_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("requested_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_firmware_updates_station",
        "firmware_updates",
        ["station_id", "requested_at"],
        unique=False,
    )
    op.create_table(
        "log_uploads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("log_type", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("command_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("requested_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("uploaded_at", _UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        "ix_log_uploads_station", "log_uploads", ["station_id", "requested_at"], unique=False
    )
    op.create_table(
        "outbox_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("occurred_at", _UTC, nullable=False),
        sa.Column("published_at", _UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_outbox_events_unpublished", "outbox_events", ["published_at", "id"], unique=False
    )
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=True),
        sa.Column("id_token", sa.String(length=36), nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("command_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reservations_station", "reservations", ["station_id", "status"], unique=False
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("latitude", sa.String(length=16), nullable=True),
        sa.Column("longitude", sa.String(length=16), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "station_commands",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("ocpp_action", sa.String(length=40), nullable=True),
        sa.Column("request", sa.JSON(), nullable=True),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", _UTC, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("answered_at", _UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_station_commands_station",
        "station_commands",
        ["station_id", "requested_at"],
        unique=False,
    )
    op.create_table(
        "station_configuration",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("component", sa.String(length=50), nullable=False),
        sa.Column("component_instance", sa.String(length=50), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(length=50), nullable=False),
        sa.Column("variable_instance", sa.String(length=50), nullable=False),
        sa.Column("attribute_type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("mutability", sa.String(length=16), nullable=True),
        sa.Column("characteristics", sa.JSON(), nullable=True),
        sa.Column("reported_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
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
    op.create_table(
        "status_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("charging_state", sa.String(length=16), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("vendor_id", sa.String(length=255), nullable=True),
        sa.Column("vendor_error_code", sa.String(length=50), nullable=True),
        sa.Column("info", sa.String(length=255), nullable=True),
        sa.Column("reported_at", _UTC, nullable=False),
        sa.Column("received_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_status_history_station", "status_history", ["station_id", "reported_at"], unique=False
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("webhook_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _UTC, nullable=True),
        sa.Column("last_attempt_at", _UTC, nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=255), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "webhooks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("site_id", sa.String(48), nullable=True))
        batch.add_column(sa.Column("display_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("decommissioned_at", _UTC, nullable=True))
        batch.add_column(sa.Column("configuration_read_at", _UTC, nullable=True))
        batch.create_index("ix_stations_site", ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.drop_index("ix_stations_site")
        batch.drop_column("configuration_read_at")
        batch.drop_column("decommissioned_at")
        batch.drop_column("display_name")
        batch.drop_column("site_id")
    op.drop_table("webhooks")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_status_history_station", table_name="status_history")
    op.drop_table("status_history")
    op.drop_table("station_configuration")
    op.drop_index("ix_station_commands_station", table_name="station_commands")
    op.drop_table("station_commands")
    op.drop_table("sites")
    op.drop_index("ix_reservations_station", table_name="reservations")
    op.drop_table("reservations")
    op.drop_index("ix_outbox_events_unpublished", table_name="outbox_events")
    op.drop_table("outbox_events")
    op.drop_index("ix_log_uploads_station", table_name="log_uploads")
    op.drop_table("log_uploads")
    op.drop_index("ix_firmware_updates_station", table_name="firmware_updates")
    op.drop_table("firmware_updates")
    op.drop_index("ix_firmware_statuses_station", table_name="firmware_statuses")
    op.drop_table("firmware_statuses")
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_table("audit_log")
