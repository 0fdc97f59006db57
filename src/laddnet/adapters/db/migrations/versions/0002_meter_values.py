"""meter samples stored one row per meter value

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:30:00

Rows of `meter_samples` (one per sampled value) become rows of `meter_values` (one per
timestamp, the sampled values as a JSON array; see adapters/db/meter_codec.py), and back.
"""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

from laddnet.adapters.db import meter_codec
from laddnet.adapters.db.types import UtcDateTime, WattHours
from laddnet.domain.sessions.model import MeterSample

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

old = sa.table(
    "meter_samples",
    sa.column("id", BigId),
    sa.column("station_id", sa.String),
    sa.column("evse_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("sampled_at", UtcDateTime()),
    sa.column("measurand", sa.String),
    sa.column("phase", sa.String),
    sa.column("location", sa.String),
    sa.column("context", sa.String),
    sa.column("value", sa.String),
    sa.column("unit", sa.String),
    sa.column("received_at", UtcDateTime()),
)
new = sa.table(
    "meter_values",
    sa.column("id", BigId),
    sa.column("station_id", sa.String),
    sa.column("evse_id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("sampled_at", UtcDateTime()),
    sa.column("register_wh", WattHours()),
    sa.column("samples", sa.Text),
    sa.column("received_at", UtcDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "meter_values",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("sampled_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("register_wh", WattHours(), nullable=True),
        sa.Column("samples", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("station_id", "evse_id", "sampled_at", name="uq_meter_values_identity"),
    )
    with op.batch_alter_table("meter_values", schema=None) as batch_op:
        batch_op.create_index("ix_meter_values_session", ["session_id", "sampled_at"])
    conn = op.get_bind()
    # Streamed in batches: a network's sample history does not fit in memory at once.
    rows = conn.execute(
        sa.select(old)
        .order_by(old.c.station_id, old.c.evse_id, old.c.sampled_at, old.c.id)
        .execution_options(yield_per=BATCH)
    )
    pending: list[dict[str, Any]] = []
    for values in _meter_values(rows):
        pending.append(values)
        if len(pending) >= BATCH:
            _insert(conn, pending)
    _insert(conn, pending)
    op.drop_table("meter_samples")


def _meter_values(rows: Iterator[Any]) -> Iterator[dict[str, Any]]:
    def key(r: Any) -> tuple[Any, ...]:
        return (r.station_id, r.evse_id, r.sampled_at)

    for (station_id, evse_id, sampled_at), group in groupby(rows, key=key):
        members = list(group)
        samples = [
            MeterSample(
                sampled_at=r.sampled_at,
                measurand=r.measurand,
                value=Decimal(r.value),
                unit=r.unit,
                phase=r.phase or None,
                location=r.location or None,
                context=r.context or None,
            )
            for r in members
        ]
        (encoded,) = meter_codec.encode(samples)
        yield {
            "station_id": station_id,
            "evse_id": evse_id,
            "session_id": next((r.session_id for r in members if r.session_id is not None), None),
            "sampled_at": sampled_at,
            "register_wh": encoded.register_wh,
            "samples": encoded.text,
            "received_at": members[0].received_at,
        }


def _insert(conn: sa.Connection, pending: list[dict[str, Any]]) -> None:
    if pending:
        conn.execute(sa.insert(new), pending)
        pending.clear()


def downgrade() -> None:
    op.create_table(
        "meter_samples",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("sampled_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("measurand", sa.String(length=50), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("location", sa.String(length=8), nullable=False),
        sa.Column("context", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "station_id",
            "evse_id",
            "sampled_at",
            "measurand",
            "phase",
            "location",
            "context",
            name="uq_meter_samples_identity",
        ),
    )
    with op.batch_alter_table("meter_samples", schema=None) as batch_op:
        batch_op.create_index("ix_meter_samples_session", ["session_id", "measurand"])
    conn = op.get_bind()
    pending: list[dict[str, Any]] = []
    for r in conn.execute(sa.select(new).order_by(new.c.id).execution_options(yield_per=BATCH)):
        for s in meter_codec.decode(r.sampled_at, r.samples):
            pending.append(
                {
                    "station_id": r.station_id,
                    "evse_id": r.evse_id,
                    "session_id": r.session_id,
                    "sampled_at": s.sampled_at,
                    "measurand": s.measurand,
                    "phase": s.phase or "",
                    "location": s.location or "",
                    "context": s.context or "",
                    "value": str(s.value),
                    "unit": s.unit,
                    "received_at": r.received_at,
                }
            )
        if len(pending) >= BATCH:
            _insert_samples(conn, pending)
    _insert_samples(conn, pending)
    op.drop_table("meter_values")


def _insert_samples(conn: sa.Connection, pending: list[dict[str, Any]]) -> None:
    if pending:
        # Duplicates under the old, per-sample identity: the first one stays, as before.
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        conn.execute(dialect_insert(old).on_conflict_do_nothing(), pending)
        pending.clear()
