"""Stations keep their OCPP security profile

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-06 02:30:00

Every station gains `security_profile` (1: basic auth over ws://, 2: basic auth over TLS, 3:
client certificate); existing stations get 1, what they used until now. A downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(
            sa.Column("security_profile", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("security_profile")
