"""Migration 0009 over a database with audit entries from before: down to 0005 and up again
chains the existing entries in id order, and the chain verifies."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import inspect, select

from laddnet.adapters.db.engine import alembic_config, migrate_sync
from laddnet.adapters.db.tables import audit_log
from laddnet.bootstrap import Container
from laddnet.domain.sites.model import SiteDetails


async def test_0009_down_and_up_chains_the_audit_entries_already_there(
    container: Container,
) -> None:
    for n in range(3):
        await container.sites.create_site(f"s{n}", SiteDetails(f"S{n}", "UTC"), "cli")

    def down_and_up() -> tuple[list[str], list[str]]:
        with container.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0005")
        with container.engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            columns = [c["name"] for c in inspect(conn).get_columns("audit_log")]
        migrate_sync(container.engine)
        return tables, columns

    tables, columns = await asyncio.to_thread(down_and_up)
    assert "users" not in tables and "hash" not in columns
    report = await container.audit.verify()
    assert report.broken is None and report.checked == 3
    with container.engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id)).all()
    assert [r.outcome for r in rows] == ["ok"] * 3
    assert rows[1].prev_hash == rows[0].hash
    await container.sites.create_site("s9", SiteDetails("S9", "UTC"), "cli")
    assert (await container.audit.verify()).checked == 4
