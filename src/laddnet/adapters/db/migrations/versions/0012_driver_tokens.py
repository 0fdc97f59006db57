"""Drivers' id tokens: `id_tokens` rows linked to a driver, keyed by a keyed hash of the token
with the token itself encrypted

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 03:35:00

Three nullable columns and an index on `id_tokens`; a downgrade drops them (and with them the
drivers' tokens, whose hashed keys no station would present).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("id_tokens", sa.Column("driver_id", sa.String(24), nullable=True))
    op.add_column("id_tokens", sa.Column("value_enc", sa.Text(), nullable=True))
    op.add_column("id_tokens", sa.Column("kind", sa.String(16), nullable=True))
    op.create_index("ix_id_tokens_driver_id", "id_tokens", ["driver_id"])


def downgrade() -> None:
    op.execute("DELETE FROM id_tokens WHERE driver_id IS NOT NULL")
    op.drop_index("ix_id_tokens_driver_id", table_name="id_tokens")
    with op.batch_alter_table("id_tokens") as batch:
        batch.drop_column("kind")
        batch.drop_column("value_enc")
        batch.drop_column("driver_id")
