"""Two PostgreSQL transactions auditing at once never fork the chain: the second waits on the
head row the first locked, then links to the first's entry."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import select

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.repositories.audit import SqlAuditLog
from laddnet.adapters.db.tables import audit_log
from laddnet.config import Settings

_AT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def test_a_second_writer_waits_for_the_head_and_links_to_the_first(
    postgres_url: str,
) -> None:
    engine = create_engine(Settings(database_url=postgres_url).driver_database_url)
    second_done = threading.Event()

    def second() -> None:
        with engine.begin() as conn:
            SqlAuditLog(conn).record("bob", "site.created", "site", "S2", {}, _AT)
        second_done.set()

    try:
        with engine.begin() as conn:
            SqlAuditLog(conn).record("alice", "site.created", "site", "S1", {}, _AT)
            thread = threading.Thread(target=second)
            thread.start()
            # The head row is locked until this transaction commits.
            assert not second_done.wait(0.5)
        thread.join(10)
        assert second_done.is_set()
        with engine.connect() as conn:
            rows = conn.execute(
                select(audit_log.c.actor, audit_log.c.prev_hash, audit_log.c.hash)
                .where(audit_log.c.action == "site.created")
                .order_by(audit_log.c.id)
            ).all()
            head = SqlAuditLog(conn).chain()
        assert [r.actor for r in rows] == ["alice", "bob"]
        assert rows[1].prev_hash == rows[0].hash
        assert head[0] == rows[1].hash
    finally:
        engine.dispose()
