"""Two processes' webhook dispatchers on one PostgreSQL database: a delivery another
transaction has claimed (and not yet committed) is skipped, neither claimed twice nor waited on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.repositories.events import SqlWebhookRepository
from laddnet.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
from laddnet.config import Settings

_AT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def test_a_second_claim_skips_what_the_first_holds(postgres_url: str) -> None:
    engine = create_engine(Settings(database_url=postgres_url).driver_database_url)
    try:
        with engine.begin() as conn:
            hook = conn.execute(
                insert(webhooks)
                .values(url="https://hooks.example/a", events=["*"], secret="s", active=True)
                .values(created_by="test", created_at=_AT)
                .returning(webhooks.c.id)
            ).scalar_one()
            events = conn.execute(
                insert(outbox_events).returning(outbox_events.c.id),
                [
                    {"type": "station.connected", "station_id": f"W-{n}", "data": {}}
                    | {"occurred_at": _AT}
                    for n in range(4)
                ],
            ).scalars()
            conn.execute(
                insert(webhook_deliveries),
                [
                    {"webhook_id": hook, "event_id": e, "status": "pending"}
                    | {"attempts": 0, "next_attempt_at": _AT, "created_at": _AT}
                    for e in events
                ],
            )
        lease = _AT + timedelta(minutes=5)
        with engine.connect() as first, engine.connect() as second, first.begin():
            held = SqlWebhookRepository(first).claim_due(_AT, lease, 2)
            assert len(held) == 2
            with second.begin():
                second.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail
                rest = SqlWebhookRepository(second).claim_due(_AT, lease, 10)
                assert len(rest) == 2
                assert {d.id for d in rest}.isdisjoint(d.id for d in held)
    finally:
        engine.dispose()
