"""The event relay's claim and the webhook dispatcher's claim run many times a second at the
busy hour: they claim what they should and leave no reference cycles behind (each cycle is
work for a garbage collection, whose pause every station's answer waits for)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, insert, select

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.outbox_claims import claim_events
from laddnet.adapters.db.repositories.events import SqlWebhookRepository
from laddnet.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
from laddnet.config import Settings

_AT = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)
_LEASE = _AT + timedelta(minutes=5)


def _add_events(conn: Connection, count: int, first: int) -> None:
    conn.execute(
        insert(outbox_events),
        [
            {"type": "station.connected", "station_id": f"GC-{n}", "data": {"n": n}}
            | {"occurred_at": _AT}
            for n in range(first, first + count)
        ],
    )


def _cycles_after(run: Callable[[], object]) -> int:
    """The objects in reference cycles that calling `run` left behind."""
    gc.collect()
    gc.disable()
    try:
        run()
        return gc.collect()
    finally:
        gc.enable()


async def test_the_claims_take_what_is_due_and_leave_no_cycles(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url).driver_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(webhooks),
                [
                    {"url": "https://hooks.example/a", "events": ["*"], "secret": "s"}
                    | {"active": True, "created_by": "test", "created_at": _AT}
                ],
            )
            repository = SqlWebhookRepository(conn)
            _add_events(conn, 3, 0)
            first = claim_events(conn, 2, _AT)  # warms the statement caches too
            assert [e.data for e in first] == [{"n": 0}, {"n": 1}]
            due = repository.claim_due(_AT, _LEASE, 10)
            assert sorted(d.event.data["n"] for d in due) == [0, 1]
            assert {d.attempts for d in due} == {1}

            _add_events(conn, 5, 3)

            def claim_again() -> None:
                assert len(claim_events(conn, 10, _AT)) == 6  # the one left, and the new five
                assert len(repository.claim_due(_AT, _LEASE, 10)) == 6

            assert _cycles_after(claim_again) == 0
            leases = conn.execute(select(webhook_deliveries.c.next_attempt_at)).scalars().all()
            assert set(leases) == {_LEASE}
            unpublished = select(outbox_events.c.id).where(outbox_events.c.published_at.is_(None))
            assert conn.execute(unpublished).all() == []
    finally:
        engine.dispose()
