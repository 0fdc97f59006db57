"""The outbox relay's SQL: claim unpublished events (creating their webhook deliveries) and
prune old ones.

PostgreSQL: a claim is a transaction on the relay's own connection, held open while the relay
publishes the events; its rows are locked with SKIP LOCKED, so with several processes each
event is claimed by exactly one relay, and a relay that dies before committing leaves its
events unpublished for the next. SQLite: one process writes, through the batch writer (the
only writer of the process, ADR 5); the claim commits before the events are published, in
the same process as every subscriber of the in-process bus.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import Connection, and_, delete, exists, insert, select
from sqlalchemy.exc import DBAPIError

from laddnet.adapters.db.hot_sql import HotSql, markers
from laddnet.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
from laddnet.adapters.db.types import time_param
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.events import Event, matches
from laddnet.domain.webhooks import DeliveryStatus

_DB_ERRORS = (DBAPIError, OSError)


class SqlOutboxClaims:
    def __init__(self, database: SqlDatabase) -> None:
        self._db = database
        self._own_transaction = database.engine.dialect.name != "sqlite"

    @asynccontextmanager
    async def claim(self, limit: int, now: datetime) -> AsyncIterator[list[Event]]:
        if not self._own_transaction:
            yield await self._db.write(lambda uow: claim_events(uow.connection, limit, now))
            return
        # The claim runs in a thread that a cancelled relay cannot stop: when the relay is
        # cancelled meanwhile, the thread's transaction is rolled back and its connection
        # closed when it ends, never used by two threads at once nor left open.
        claiming = asyncio.ensure_future(asyncio.to_thread(self._claim, limit, now))
        try:
            conn, events = await asyncio.shield(claiming)
        except asyncio.CancelledError:
            claiming.add_done_callback(_roll_back_claim)
            raise
        try:
            yield events
        except BaseException:
            await asyncio.shield(asyncio.to_thread(_end, conn, commit=False))
            raise
        await asyncio.shield(asyncio.to_thread(_end, conn, commit=True))

    def _claim(self, limit: int, now: datetime) -> tuple[Connection, list[Event]]:
        try:
            conn = self._db.engine.connect()
        except _DB_ERRORS as exc:
            raise StorageUnavailable("database unavailable") from exc
        try:
            conn.begin()
            return conn, claim_events(conn, limit, now)
        except BaseException:
            _end(conn, commit=False)
            raise

    async def prune(self, published_before: datetime, limit: int) -> int:
        return await self._db.write(lambda uow: prune(uow.connection, published_before, limit))


def _roll_back_claim(claiming: asyncio.Future[tuple[Connection, list[Event]]]) -> None:
    if not claiming.cancelled() and claiming.exception() is None:
        _end(claiming.result()[0], commit=False)


def _end(conn: Connection, *, commit: bool) -> None:
    try:
        if commit:
            conn.commit()
        else:
            conn.rollback()
    except _DB_ERRORS as exc:
        conn.invalidate()
        raise StorageUnavailable("database unavailable") from exc
    finally:
        conn.close()


# The claim runs up to 50 times a second at the busy hour, each time in a write group of its
# own: its statements run on the driver's cursor (hot SQL). Through Core they cost the writer
# 600 µs of CPU for a claim of four events (docs/performance.md), and Core builds a statement's
# bound values in reference cycles that only the garbage collector frees.
_EVENT_COLUMNS = ("id", "type", "station_id", "data", "occurred_at")


def claim_events(conn: Connection, limit: int, now: datetime) -> list[Event]:
    hot = HotSql(conn)
    lock = hot.row_lock(skip_locked=True)
    rows = hot.select(
        outbox_events,
        _EVENT_COLUMNS,
        f"WHERE published_at IS NULL ORDER BY id LIMIT ?{lock}",
        [limit],
    )
    if not rows:
        return []
    events = [Event(r["id"], r["type"], r["occurred_at"], r["station_id"], r["data"]) for r in rows]
    hooks = hot.select(webhooks, ("id", "events"), "WHERE active", [])
    deliveries = [
        {
            "webhook_id": hook["id"],
            "event_id": event.id,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for event in events
        for hook in hooks
        if matches(event, hook["events"])
    ]
    if deliveries:
        conn.execute(insert(webhook_deliveries), deliveries)
    ids = [event.id for event in events]
    now_marker, id_markers = markers(1, hot.qmark), markers(len(ids), hot.qmark)
    mark = f"UPDATE outbox_events SET published_at = {now_marker} WHERE id IN ({id_markers})"  # noqa: S608
    hot.execute(mark, [time_param(conn.dialect.name)(now), *ids])
    return events


def prune(conn: Connection, published_before: datetime, limit: int) -> int:
    """Delete old published events no pending delivery needs, and finished deliveries of the
    same age."""
    e, d = outbox_events, webhook_deliveries
    pending = exists().where(
        and_(d.c.event_id == e.c.id, d.c.status == DeliveryStatus.PENDING.value)
    )
    old = (
        select(e.c.id)
        .where(e.c.published_at < published_before, ~pending)
        .order_by(e.c.id)
        .limit(limit)
    )
    ids = list(conn.execute(old).scalars())
    if ids:
        conn.execute(delete(e).where(e.c.id.in_(ids)))
    finished = select(d.c.id).where(
        d.c.status != DeliveryStatus.PENDING.value, d.c.created_at < published_before
    )
    conn.execute(delete(d).where(d.c.id.in_(finished.limit(limit).scalar_subquery())))
    return len(ids)
