"""Session reviews: an operator's decision on a session flagged for review

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 03:30:00

A new table; a downgrade drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_reviews",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("energy_wh", laddnet.adapters.db.types.WattHours(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column(
            "decided_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("session_id"),
    )


def downgrade() -> None:
    op.drop_table("session_reviews")
