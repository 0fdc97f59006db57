"""Drivers' own logins: password hash, setup token hash, optional TOTP (secret encrypted)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 05:45:00

One new table; a downgrade drops it (drivers then cannot log in until given a password again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "driver_logins",
        sa.Column("driver_id", sa.String(24), primary_key=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("setup_token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("setup_expires_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("totp_secret_enc", sa.Text(), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("driver_logins")
