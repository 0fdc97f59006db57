"""Migration 0002 carries every stored sampled value over to one row per meter value, and back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from alembic import command

from laddnet.adapters.db.engine import alembic_config, migrate_sync
from laddnet.bootstrap import Container

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _old_rows() -> list[dict[str, object]]:
    stamp = T0.replace(tzinfo=None).isoformat(" ", "microseconds")
    later = (T0 + timedelta(minutes=1)).replace(tzinfo=None).isoformat(" ", "microseconds")
    base = {"station_id": "CP-1", "evse_id": 1, "session_id": 7, "received_at": stamp}
    return [
        {**base, "sampled_at": stamp, "measurand": "Energy.Active.Import.Register",
         "phase": "", "location": "Outlet", "context": "Sample.Periodic", "value": "1000",
         "unit": "Wh"},
        {**base, "sampled_at": stamp, "measurand": "Current.Import", "phase": "L1",
         "location": "Outlet", "context": "Sample.Periodic", "value": "16.5", "unit": "A"},
        {**base, "sampled_at": later, "measurand": "Energy.Active.Import.Register",
         "phase": "", "location": "", "context": "", "value": "1250.5", "unit": "Wh"},
    ]  # fmt: skip


INSERT_OLD = sa.text(
    "INSERT INTO meter_samples (station_id, evse_id, session_id, sampled_at, measurand, phase,"
    " location, context, value, unit, received_at) VALUES (:station_id, :evse_id, :session_id,"
    " :sampled_at, :measurand, :phase, :location, :context, :value, :unit, :received_at)"
)
SELECT_OLD = sa.text(
    "SELECT measurand, phase, location, context, value, unit FROM meter_samples ORDER BY id"
)


def _back_to_0001_with_old_rows(container: Container) -> None:
    with container.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with container.engine.begin() as conn:
        rows = _old_rows()
        if conn.dialect.name == "postgresql":  # the driver wants datetimes, SQLite text
            for row in rows:
                at = datetime.fromisoformat(str(row["sampled_at"])).replace(tzinfo=UTC)
                row["sampled_at"] = row["received_at"] = at
        conn.execute(INSERT_OLD, rows)


def _round_trip(container: Container) -> tuple[list[tuple[object, ...]], list[object]]:
    _back_to_0001_with_old_rows(container)
    migrate_sync(container.engine)
    with container.engine.connect() as conn:
        registers = list(
            conn.execute(
                sa.text("SELECT register_wh FROM meter_values ORDER BY sampled_at")
            ).scalars()
        )
    with container.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    with container.engine.connect() as conn:
        back = [tuple(r) for r in conn.execute(SELECT_OLD)]
    migrate_sync(container.engine)
    return back, registers


async def test_sampled_values_survive_the_upgrade_and_the_downgrade(container: Container) -> None:
    back, registers = await asyncio.to_thread(_round_trip, container)
    assert registers == [1_000_000, 1_250_500]  # two timestamps, in milliwatt-hours
    assert sorted(back) == sorted(
        [
            ("Energy.Active.Import.Register", "", "Outlet", "Sample.Periodic", "1000", "Wh"),
            ("Current.Import", "L1", "Outlet", "Sample.Periodic", "16.5", "A"),
            ("Energy.Active.Import.Register", "", "", "", "1250.5", "Wh"),
        ]
    )


async def test_upgraded_rows_read_back_as_the_same_samples(container: Container) -> None:
    await asyncio.to_thread(_back_to_0001_with_old_rows, container)
    await asyncio.to_thread(migrate_sync, container.engine)
    samples = await container.queries.session_samples(7)
    assert [(s.sampled_at, s.measurand, s.value, s.unit, s.phase) for s in samples] == [
        (T0, "Energy.Active.Import.Register", Decimal(1000), "Wh", None),
        (T0, "Current.Import", Decimal("16.5"), "A", "L1"),
        (T0 + timedelta(minutes=1), "Energy.Active.Import.Register", Decimal("1250.5"), "Wh", None),
    ]
