"""Sessions waiting for missing 2.0.1 transaction events; lookup of open sessions by
transactionId across stations

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:30:00

Sessions gain `incomplete_since` (a seqNo below the highest received is missing) with an index
for the sweep that times the wait out, and an index on `transaction_ref` alone to find another
station's open session with the same transactionId.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = laddnet.adapters.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("incomplete_since", _UTC, nullable=True))
        batch.create_index("ix_sessions_transaction_ref", ["transaction_ref"], unique=False)
        batch.create_index("ix_sessions_incomplete", ["incomplete_since"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_incomplete")
        batch.drop_index("ix_sessions_transaction_ref")
        batch.drop_column("incomplete_since")
