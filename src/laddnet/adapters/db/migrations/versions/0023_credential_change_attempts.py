"""Credential changes count how many times they were sent (a rotation is sent again on reconnect)

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-06 09:00:00

One new column; changes sent before this revision count as sent once. A downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("station_credential_changes") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE station_credential_changes SET attempts = 1 WHERE state <> 'queued'")


def downgrade() -> None:
    with op.batch_alter_table("station_credential_changes") as batch:
        batch.drop_column("attempts")
