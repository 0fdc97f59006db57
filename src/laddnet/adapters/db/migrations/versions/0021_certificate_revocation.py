"""Station certificate revocation: when and why an operator revoked a certificate

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 09:00:00

Two nullable columns on the certificate inventory; a downgrade drops them (the revocations are
lost, and the certificates log their stations in again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("station_certificates") as batch:
        batch.add_column(sa.Column("revoked_at", UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_reason", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("station_certificates") as batch:
        batch.drop_column("revoked_reason")
        batch.drop_column("revoked_at")
