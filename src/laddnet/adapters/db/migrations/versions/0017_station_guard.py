"""Site allow-lists, the networks stations connected from, firmware versions marked vulnerable

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:30:00

`site_allowed_networks` holds a site's allowed source networks (for its stations without a
list of their own); `station_networks` the /24 or /48 networks each station has connected
from (a new one is a security event); `firmware_vulnerabilities` the firmware versions an
operator marked vulnerable. A downgrade drops all three.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "site_allowed_networks",
        sa.Column("site_id", sa.String(length=48), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("site_id"),
    )
    op.create_table(
        "station_networks",
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", _UTC, nullable=False),
        sa.Column("last_seen_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("station_id", "network"),
    )
    op.create_table(
        "firmware_vulnerabilities",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("vendor", sa.String(length=50), nullable=False),
        sa.Column("model", sa.String(length=50), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("marked_by", sa.String(length=255), nullable=False),
        sa.Column("marked_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "vendor", "model", "version", name="uq_firmware_vulnerabilities_version"
        ),
    )
    op.create_index(
        "ix_firmware_vulnerabilities_model",
        "firmware_vulnerabilities",
        ["vendor", "model"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_firmware_vulnerabilities_model", table_name="firmware_vulnerabilities")
    op.drop_table("firmware_vulnerabilities")
    op.drop_table("station_networks")
    op.drop_table("site_allowed_networks")
