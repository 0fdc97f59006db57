"""EVSEs and the whole station keep an availability of their own

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 11:00:00

2.0.1 stations report an EVSE's AvailabilityState, and the whole station's, apart from their
connectors'; 1.6 stations report the whole station as connectorId 0. Both now go to
`evse_availability` (evse_id 0 is the station). Until now a 1.6 connectorId 0 status was kept as
a connector "0/0": those rows move over, and back on downgrade. EVSE-level rows have no place
before this revision; a downgrade drops them (the events that carried them stay in
station_events).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evse_availability",
        sa.Column("station_id", sa.String(48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(50), nullable=True),
        sa.Column(
            "reported_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "received_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("station_id", "evse_id"),
    )
    op.execute(
        "INSERT INTO evse_availability"
        " (station_id, evse_id, status, error_code, reported_at, received_at)"
        " SELECT station_id, 0, status, error_code, reported_at, received_at"
        " FROM connectors WHERE evse_id = 0 AND connector_id = 0"
    )
    op.execute("DELETE FROM connectors WHERE evse_id = 0 AND connector_id = 0")


def downgrade() -> None:
    op.execute(
        "INSERT INTO connectors (station_id, evse_id, connector_id, status, charging_state,"
        " error_code, reported_at, received_at)"
        " SELECT station_id, 0, 0, status, NULL, error_code, reported_at, received_at"
        " FROM evse_availability WHERE evse_id = 0"
    )
    op.drop_table("evse_availability")
