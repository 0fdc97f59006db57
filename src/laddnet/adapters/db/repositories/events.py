"""Events read back from the outbox (live-stream resumption) and webhook subscriptions with
their deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from laddnet.adapters.db.tables import outbox_events, webhook_deliveries, webhooks
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
        d, e, w = webhook_deliveries, outbox_events, webhooks
        due = (
            select(d.c.id)
            .where(d.c.status == DeliveryStatus.PENDING.value, d.c.next_attempt_at <= now)
            .order_by(d.c.next_attempt_at, d.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has a single writer
        )
        ids = list(self._conn.execute(due).scalars())
        if not ids:
            return []
        self._conn.execute(
            update(d)
            .where(d.c.id.in_(ids))
            .values(attempts=d.c.attempts + 1, last_attempt_at=now, next_attempt_at=lease_until)
        )
        stmt = (
            select(
                d.c.id.label("delivery_id"),
                d.c.attempts,
                w.c.url,
                w.c.secret,
                e.c.id,
                e.c.type,
                e.c.station_id,
                e.c.data,
                e.c.occurred_at,
            )
            .join(w, w.c.id == d.c.webhook_id)
            .join(e, e.c.id == d.c.event_id)
            .where(d.c.id.in_(ids))
            .order_by(d.c.id)
        )
        return [
            DueDelivery(r.delivery_id, r.attempts, r.url, r.secret, event_from_row(r))
            for r in self._conn.execute(stmt)
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
