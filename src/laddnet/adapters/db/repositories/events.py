"""Events read back from the outbox (live-stream resumption) and webhook subscriptions with
their deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
from laddnet.adapters.db.types import time_param
from laddnet.domain.events import Event
from laddnet.domain.webhooks import Delivery, DeliveryStatus, DueDelivery, Webhook


def event_from_row(row: Any) -> Event:
    return Event(row.id, row.type, row.occurred_at, row.station_id, row.data)


class SqlEventHistory:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def after(
        self,
        event_id: int,
        *,
        since: datetime,
        limit: int,
        types: Sequence[str] | None,
        station_id: str | None,
    ) -> list[Event]:
        """The newest `limit` matching events with an id above `event_id` committed at or
        after `since`, oldest first."""
        t = outbox_events
        stmt = (
            select(t.c.id, t.c.type, t.c.station_id, t.c.data, t.c.occurred_at)
            .where(t.c.id > event_id, t.c.occurred_at >= since)
            .order_by(t.c.id.desc())
            .limit(limit)
        )
        if types is not None and "*" not in types:
            stmt = stmt.where(t.c.type.in_(list(types)))
        if station_id is not None:
            stmt = stmt.where(t.c.station_id == station_id)
        return [event_from_row(r) for r in reversed(self._conn.execute(stmt).all())]


def _webhook(row: Any) -> Webhook:
    return Webhook(
        id=row.id,
        url=row.url,
        events=tuple(row.events),
        active=row.active,
        created_by=row.created_by,
        created_at=row.created_at,
    )


_WEBHOOK_COLUMNS = (
    webhooks.c.id,
    webhooks.c.url,
    webhooks.c.events,
    webhooks.c.active,
    webhooks.c.created_by,
    webhooks.c.created_at,
)  # never the secret


class SqlWebhookRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)
        self._at = time_param(conn.dialect.name)

    def add(
        self, url: str, events: Sequence[str], secret: str, created_by: str, now: datetime
    ) -> Webhook:
        values = {
            "url": url,
            "events": list(events),
            "secret": secret,
            "active": True,
            "created_by": created_by,
            "created_at": now,
        }
        row = self._conn.execute(insert(webhooks).values(**values).returning(webhooks.c.id)).one()
        return Webhook(row.id, url, tuple(events), True, created_by, now)

    def get(self, webhook_id: int) -> Webhook | None:
        stmt = select(*_WEBHOOK_COLUMNS).where(webhooks.c.id == webhook_id)
        row = self._conn.execute(stmt).first()
        return None if row is None else _webhook(row)

    def list_all(self) -> list[Webhook]:
        stmt = select(*_WEBHOOK_COLUMNS).order_by(webhooks.c.id)
        return [_webhook(r) for r in self._conn.execute(stmt)]

    def delete(self, webhook_id: int) -> bool:
        self._conn.execute(
            delete(webhook_deliveries).where(webhook_deliveries.c.webhook_id == webhook_id)
        )
        return self._conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id)).rowcount > 0

    def deliveries(self, webhook_id: int, *, limit: int, offset: int) -> list[Delivery]:
        d = webhook_deliveries
        stmt = (
            select(d)
            .where(d.c.webhook_id == webhook_id)
            .order_by(d.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [
            Delivery(
                id=r.id,
                webhook_id=r.webhook_id,
                event_id=r.event_id,
                status=DeliveryStatus(r.status),
                attempts=r.attempts,
                next_attempt_at=r.next_attempt_at,
                last_attempt_at=r.last_attempt_at,
                response_status=r.response_status,
                error=r.error,
                created_at=r.created_at,
            )
            for r in self._conn.execute(stmt)
        ]

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[DueDelivery]:
        # After every batch the relay publishes, up to 50 a second, and mostly finding none.
        due = _DUE + self._hot.row_lock(skip_locked=True)
        params = (DeliveryStatus.PENDING.value, self._at(now), limit)
        ids = [r["id"] for r in self._hot.select(webhook_deliveries, ("id",), due, params)]
        if not ids:
            return []
        self._conn.execute(_LEASE, {"ids": ids, "now": now, "lease_until": lease_until})
        return [
            DueDelivery(r.delivery_id, r.attempts, r.url, r.secret, event_from_row(r))
            for r in self._conn.execute(_CLAIMED, {"ids": ids})
        ]

    def record_attempt(
        self,
        delivery_id: int,
        status: DeliveryStatus,
        response_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None:
        d = webhook_deliveries
        self._conn.execute(
            update(d)
            .where(d.c.id == delivery_id)
            .values(
                status=status.value,
                response_status=response_status,
                error=None if error is None else error[:255],
                next_attempt_at=next_attempt_at,
            )
        )


# Claimed after every batch of events the relay publishes: built once, as Core builds a
# statement's bound values in reference cycles that only the garbage collector frees.
_d, _e, _w = webhook_deliveries, outbox_events, webhooks
_DUE = "WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"
_LEASE = (
    update(_d)
    .where(_d.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        attempts=_d.c.attempts + 1,
        last_attempt_at=bindparam("now", type_=_d.c.last_attempt_at.type),
        next_attempt_at=bindparam("lease_until", type_=_d.c.next_attempt_at.type),
    )
)
_CLAIMED = (
    select(
        _d.c.id.label("delivery_id"),
        _d.c.attempts,
        _w.c.url,
        _w.c.secret,
        _e.c.id,
        _e.c.type,
        _e.c.station_id,
        _e.c.data,
        _e.c.occurred_at,
    )
    .join(_w, _w.c.id == _d.c.webhook_id)
    .join(_e, _e.c.id == _d.c.event_id)
    .where(_d.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_d.c.id)
)
