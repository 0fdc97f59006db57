"""Health signals: the firmware version each station runs and since when it is seen

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 05:30:00

One small table; a downgrade drops it (the firmware age starts again from the next boot).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firmware_seen",
        sa.Column("station_id", sa.String(48), primary_key=True),
        sa.Column("firmware_version", sa.String(50), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("firmware_seen")
