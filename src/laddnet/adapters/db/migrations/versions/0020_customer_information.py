"""Customer information reports: the parts a station sends (NotifyCustomerInformation), encrypted

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 06:30:00

One new table; a downgrade drops it (the reports received are lost).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from laddnet.adapters.db.types import UtcDateTime

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_information_parts",
        sa.Column("station_id", sa.String(48), primary_key=True),
        sa.Column("request_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq_no", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("data_enc", sa.Text(), nullable=False),
        sa.Column("tbc", sa.Boolean(), nullable=False),
        sa.Column("generated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_information_parts")
