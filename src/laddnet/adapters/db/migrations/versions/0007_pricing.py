"""Pricing: tariffs and their versions, where they apply, charge detail records, the CDR queue,
pricing issues, signed meter values and the double-entry ledger

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:00:00

Every table is new; sessions gain the tariff version they are priced with, sites their currency
(SEK) and VAT (25 %). A downgrade drops all of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.money
import laddnet.adapters.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cdr_queue",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "queued_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_table(
        "cdrs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("evse_id", sa.Integer(), nullable=True),
        sa.Column("id_token", sa.String(length=36), nullable=True),
        sa.Column(
            "started_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "stopped_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("energy_wh", laddnet.adapters.db.types.WattHours(), nullable=False),
        sa.Column("charging_seconds", sa.Integer(), nullable=False),
        sa.Column("parking_seconds", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.String(length=36), nullable=False),
        sa.Column("tariff_version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("vat_lines", sa.JSON(), nullable=False),
        sa.Column("total_excl_vat", laddnet.adapters.db.money.Amount(), nullable=False),
        sa.Column("total_vat", laddnet.adapters.db.money.Amount(), nullable=False),
        sa.Column("total_incl_vat", laddnet.adapters.db.money.Amount(), nullable=False),
        sa.Column("signed_meter_values", sa.JSON(), nullable=False),
        sa.Column(
            "issued_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
    )
    with op.batch_alter_table("cdrs", schema=None) as batch_op:
        batch_op.create_index("ix_cdrs_station_stopped", ["station_id", "stopped_at"], unique=False)
        batch_op.create_index("ix_cdrs_stopped", ["stopped_at"], unique=False)

    op.create_table(
        "journal_entries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entry_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "occurred_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "posted_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("cdr_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("station_id", sa.String(length=48), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_key"),
    )
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index("ix_journal_entries_occurred", ["occurred_at"], unique=False)

    op.create_table(
        "pricing_issues",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("noted_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_table(
        "signed_meter_values",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column(
            "sampled_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("measurand", sa.String(length=50), nullable=False),
        sa.Column("context", sa.String(length=32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("signing_method", sa.String(length=50), nullable=True),
        sa.Column("encoding_method", sa.String(length=50), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column(
            "received_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "session_id", "sampled_at", "measurand", "context", name="uq_signed_meter_values"
        ),
    )
    op.create_table(
        "tariffs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "journal_lines",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("debit", laddnet.adapters.db.money.Amount(), nullable=False),
        sa.Column("credit", laddnet.adapters.db.money.Amount(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=True),
        sa.Column("quantity", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.create_index("ix_journal_lines_account", ["account"], unique=False)

    op.create_table(
        "tariff_assignments",
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.String(length=36), nullable=False),
        sa.Column(
            "assigned_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tariff_id"],
            ["tariffs.id"],
        ),
        sa.PrimaryKeyConstraint("target_kind", "target_id", "evse_id"),
    )
    op.create_table(
        "tariff_versions",
        sa.Column("tariff_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tariff_id"],
            ["tariffs.id"],
        ),
        sa.PrimaryKeyConstraint("tariff_id", "version"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tariff_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("tariff_version", sa.Integer(), nullable=True))

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("currency", sa.String(length=3), server_default="SEK", nullable=False)
        )
        batch_op.add_column(
            sa.Column("vat_percent", sa.String(length=8), server_default="25", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("vat_percent")
        batch_op.drop_column("currency")

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("tariff_version")
        batch_op.drop_column("tariff_id")

    op.drop_table("tariff_versions")
    op.drop_table("tariff_assignments")
    with op.batch_alter_table("journal_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_lines_account")

    op.drop_table("journal_lines")
    op.drop_table("tariffs")
    op.drop_table("signed_meter_values")
    op.drop_table("pricing_issues")
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entries_occurred")

    op.drop_table("journal_entries")
    with op.batch_alter_table("cdrs", schema=None) as batch_op:
        batch_op.drop_index("ix_cdrs_stopped")
        batch_op.drop_index("ix_cdrs_station_stopped")

    op.drop_table("cdrs")
    op.drop_table("cdr_queue")
