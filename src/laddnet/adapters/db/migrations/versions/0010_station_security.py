"""Stations keep their OCPP security profile; the certificates Laddnet's station CA issued

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:30:00

Every station gains `security_profile` (1: basic auth over ws://, 2: basic auth over TLS, 3:
client certificate); existing stations get 1, what they used until now. `allowed_networks` (a
JSON list of CIDR networks, NULL: anywhere) limits where a station may connect from.
`station_certificates` is the inventory of certificates issued to stations. A downgrade drops
all of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(
            sa.Column("security_profile", sa.Integer(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("allowed_networks", sa.JSON(), nullable=True))
    op.create_table(
        "station_certificates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("use", sa.String(length=40), nullable=False),
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("not_before", _UTC, nullable=False),
        sa.Column("not_after", _UTC, nullable=False),
        sa.Column("fingerprint_sha256", sa.String(length=64), nullable=False),
        sa.Column("pem", sa.Text(), nullable=False),
        sa.Column("issued_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer", "serial_number", name="uq_station_certificates_serial"),
    )
    op.create_index(
        "ix_station_certificates_station",
        "station_certificates",
        ["station_id", "not_after"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_station_certificates_station", table_name="station_certificates")
    op.drop_table("station_certificates")
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("allowed_networks")
        batch.drop_column("security_profile")
