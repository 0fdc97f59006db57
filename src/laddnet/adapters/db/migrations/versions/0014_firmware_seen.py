"""Health signals: the firmware version each station runs and since when it is seen; the
outcome of each notification e-mail

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:30:00

One small table, and three nullable columns on `notifications_sent` (status, attempts, error:
mail the server refused is retried, and a permanent failure kept); a downgrade drops them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firmware_seen",
        sa.Column("station_id", sa.String(48), primary_key=True),
        sa.Column("firmware_version", sa.String(50), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(timezone=True), nullable=False),
    )
    op.add_column("notifications_sent", sa.Column("status", sa.String(16), nullable=True))
    op.add_column("notifications_sent", sa.Column("attempts", sa.Integer(), nullable=True))
    op.add_column("notifications_sent", sa.Column("error", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications_sent") as batch:
        batch.drop_column("error")
        batch.drop_column("attempts")
        batch.drop_column("status")
    op.drop_table("firmware_seen")
