"""Credential changes of running stations and certificate renewals

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 05:30:00

`station_credential_changes`: password rotations and security profile upgrades sent to
stations over OCPP, with their state (a rotation's new password only as its hash).
`certificate_renewals`: each time Laddnet asked a station to renew a certificate close to
expiry, and how that went. A downgrade drops both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "station_credential_changes",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("target_profile", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("requested_at", _UTC, nullable=False),
        sa.Column("answered_at", _UTC, nullable=True),
        sa.Column("connected_at", _UTC, nullable=True),
        sa.Column("completed_at", _UTC, nullable=True),
        sa.Column("detail", sa.String(length=255), nullable=True),
        sa.Column("command_id", _ID, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_station_credential_changes_station",
        "station_credential_changes",
        ["station_id", "state"],
        unique=False,
    )
    op.create_index(
        "ix_station_credential_changes_batch",
        "station_credential_changes",
        ["batch"],
        unique=False,
    )
    op.create_table(
        "certificate_renewals",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("certificate_id", _ID, nullable=False),
        sa.Column("asked_at", _UTC, nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_certificate_renewals_certificate",
        "certificate_renewals",
        ["certificate_id", "asked_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_certificate_renewals_certificate", table_name="certificate_renewals")
    op.drop_table("certificate_renewals")
    op.drop_index("ix_station_credential_changes_batch", table_name="station_credential_changes")
    op.drop_index("ix_station_credential_changes_station", table_name="station_credential_changes")
    op.drop_table("station_credential_changes")
