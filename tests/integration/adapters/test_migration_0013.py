"""Migration 0013 down and up: the originals stay, corrections and their postings go, and the
one-CDR-per-session key is back in between; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from alembic import command
from sqlalchemy import func, inspect, select

from laddnet.adapters.db.engine import alembic_config, migrate_sync
from laddnet.adapters.db.tables.pricing import cdrs, journal_entries
from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sessions.commands import RecordMeterValues
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from tests.integration.api.test_cdrs_api import T0, _priced_session, _setup
from tests.integration.ocpp.test_correcting_cdrs import TARIFF as TIME_OF_DAY


async def test_0013_down_keeps_the_originals_and_up_again(container: Container) -> None:
    await _setup(container)
    await container.tariffs.create_tariff(TIME_OF_DAY, "test")
    await container.tariffs.assign(TargetKind.STATION, "CP-2", 0, TariffId("tod"), "test")
    session = await _priced_session(container, "CP-2", 10, 60)
    await container.cdrs.issue_pending()
    late = MeterSample(T0 + timedelta(minutes=30), ENERGY_REGISTER, Decimal(8000), "Wh")
    await container.sessions.record_meter_values(
        RecordMeterValues(StationId("CP-2"), 1, session, None, (late,))
    )
    assert await container.cdrs.issue_pending() == 1

    def down_and_up() -> tuple[int, int, list[str]]:
        with container.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0012")
        with container.engine.connect() as conn:
            counts = (
                conn.execute(select(func.count()).select_from(cdrs.alias("c"))).scalar_one(),
                conn.execute(select(func.count()).select_from(journal_entries)).scalar_one(),
            )
            uniques = [u["column_names"] for u in inspect(conn).get_unique_constraints("cdrs")]
        migrate_sync(container.engine)
        return counts[0], counts[1], [",".join(u) for u in uniques]

    n_cdrs, n_entries, uniques = await asyncio.to_thread(down_and_up)
    assert (n_cdrs, n_entries) == (1, 1)
    assert uniques == ["session_id"]
    history = await container.cdrs.history(session)
    assert [(c.kind, str(c.priced.total_incl_vat)) for c in history] == [("original", "25.00")]
    assert (await container.ledger.check())["ok"]
