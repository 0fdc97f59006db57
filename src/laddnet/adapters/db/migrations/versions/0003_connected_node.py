"""stations remember the gateway node that holds their connection

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00

`stations.connected_node` names the node (`LADDNET_NODE_ID`) holding the station's connection,
so that a node starting again clears only its own stations' connected flags, and a node whose
station moved to another node does not mark it offline. Flags set before this column existed
have no node: the first node to start clears them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("connected_node", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("connected_node")
