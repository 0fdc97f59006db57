"""Correcting CDRs: a session may have several CDRs (the original, then credit and re-issue
pairs), numbered per session, each correction naming the CDR it corrects; tariffs for customer
groups

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:10:00

`cdrs` loses its one-row-per-session unique constraint and gains `seq`, `kind` and
`corrects_cdr_id` with unique (session_id, seq) and (corrects_cdr_id, kind). Existing CDRs are
originals (seq 0). A downgrade keeps only the originals.

`tariff_group_assignments` (new) assigns a tariff for one customer group; `id_tokens` gains a
nullable `customer_group` (None: ad_hoc). A downgrade drops both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import laddnet.adapters.db.money
import laddnet.adapters.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _cdrs_0012(unique_session: bool) -> sa.Table:
    """`cdrs` as revision 0012 left it (SQLite rebuilds the table from this shape)."""
    when = laddnet.adapters.db.types.UtcDateTime(timezone=True)
    money = laddnet.adapters.db.money.Amount
    extra: list[sa.UniqueConstraint] = [sa.UniqueConstraint("session_id")] if unique_session else []
    return sa.Table(
        "cdrs",
        sa.MetaData(),
        sa.Column("id", _ID, primary_key=True, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=48), nullable=False),
        sa.Column("site_id", sa.String(length=48), nullable=True),
        sa.Column("evse_id", sa.Integer(), nullable=True),
        sa.Column("id_token", sa.String(length=36), nullable=True),
        sa.Column("started_at", when, nullable=False),
        sa.Column("stopped_at", when, nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("energy_wh", laddnet.adapters.db.types.WattHours(), nullable=False),
        sa.Column("charging_seconds", sa.Integer(), nullable=False),
        sa.Column("parking_seconds", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.String(length=36), nullable=False),
        sa.Column("tariff_version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("vat_lines", sa.JSON(), nullable=False),
        sa.Column("total_excl_vat", money(), nullable=False),
        sa.Column("total_vat", money(), nullable=False),
        sa.Column("total_incl_vat", money(), nullable=False),
        sa.Column("signed_meter_values", sa.JSON(), nullable=False),
        sa.Column("issued_at", when, nullable=False),
        sa.Index("ix_cdrs_stopped", "stopped_at"),
        sa.Index("ix_cdrs_station_stopped", "station_id", "stopped_at"),
        *extra,
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint("cdrs_session_id_key", "cdrs", type_="unique")
    # SQLite cannot drop the unnamed constraint: the table is rebuilt without it.
    copy_from = _cdrs_0012(unique_session=False) if sqlite else None
    with op.batch_alter_table("cdrs", copy_from=copy_from) as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="original")
        )
        batch.add_column(sa.Column("corrects_cdr_id", _ID, nullable=True))
        batch.create_unique_constraint("uq_cdrs_session_seq", ["session_id", "seq"])
        batch.create_unique_constraint("uq_cdrs_corrects", ["corrects_cdr_id", "kind"])
    op.create_table(
        "tariff_group_assignments",
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.String(length=48), nullable=False),
        sa.Column("evse_id", sa.Integer(), nullable=False),
        sa.Column("customer_group", sa.String(length=16), nullable=False),
        sa.Column("tariff_id", sa.String(length=36), nullable=False),
        sa.Column(
            "assigned_at", laddnet.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["tariff_id"], ["tariffs.id"]),
        sa.PrimaryKeyConstraint("target_kind", "target_id", "evse_id", "customer_group"),
    )
    op.add_column("id_tokens", sa.Column("customer_group", sa.String(length=16), nullable=True))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("id_tokens") as batch:
        batch.drop_column("customer_group")
    op.drop_table("tariff_group_assignments")
    op.execute(
        "DELETE FROM journal_lines WHERE entry_id IN (SELECT j.id FROM journal_entries j"
        " JOIN cdrs c ON c.id = j.cdr_id WHERE c.kind <> 'original')"
    )
    op.execute(
        "DELETE FROM journal_entries WHERE cdr_id IN (SELECT id FROM cdrs WHERE kind <> 'original')"
    )
    op.execute("DELETE FROM cdrs WHERE kind <> 'original'")
    with op.batch_alter_table("cdrs") as batch:
        batch.drop_constraint("uq_cdrs_corrects", type_="unique")
        batch.drop_constraint("uq_cdrs_session_seq", type_="unique")
        batch.drop_column("corrects_cdr_id")
        batch.drop_column("kind")
        batch.drop_column("seq")
    if sqlite:
        with op.batch_alter_table("cdrs", copy_from=_cdrs_0012(unique_session=True),
                                  recreate="always"):  # fmt: skip
            pass
    else:
        op.create_unique_constraint("cdrs_session_id_key", "cdrs", ["session_id"])
