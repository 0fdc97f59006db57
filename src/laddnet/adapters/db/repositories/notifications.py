"""Notification recipients and which event went to whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables.maintenance import notification_recipients, notifications_sent
from laddnet.domain.maintenance.alerts import Severity
from laddnet.domain.maintenance.notify import Recipient


class SqlNotifications:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_recipient(
        self, email: str, site_id: str | None, min_severity: Severity, by: str, now: datetime
    ) -> int:
        values = {
            "email": email,
            "site_id": site_id,
            "min_severity": min_severity.value,
            "created_by": by,
            "created_at": now,
        }
        stmt = insert(notification_recipients).values(values)
        return int(self._conn.execute(stmt.returning(notification_recipients.c.id)).scalar_one())

    def recipients(self) -> list[Recipient]:
        r = notification_recipients
        return [
            Recipient(x.id, x.email, x.site_id, Severity(x.min_severity))
            for x in self._conn.execute(select(r).order_by(r.c.id))
        ]

    def delete_recipient(self, recipient_id: int) -> bool:
        r = notification_recipients
        return self._conn.execute(delete(r).where(r.c.id == recipient_id)).rowcount == 1

    def claim(self, event_ids: list[int], email: str, now: datetime) -> list[int]:
        """Claim these events for this address; the ones no other process has sent."""
        claimed = []
        for event_id in event_ids:
            values = {"event_id": event_id, "email": email, "sent_at": now}
            stmt = insert_ignoring_duplicates(self._conn, notifications_sent).values(values)
            if self._conn.execute(stmt.returning(notifications_sent.c.event_id)).first():
                claimed.append(event_id)
        return claimed

    def record(
        self, event_ids: list[int], email: str, status: str, attempts: int, error: str | None
    ) -> None:
        """How sending these events to this address went: sent, retrying or failed."""
        n = notifications_sent
        self._conn.execute(
            update(n)
            .where(n.c.event_id.in_(event_ids), n.c.email == email)
            .values(status=status, attempts=attempts, error=error[:255] if error else None)
        )

    def failures(self, limit: int) -> list[dict[str, Any]]:
        """Messages given up on, newest first: one row per event and address."""
        n = notifications_sent
        rows = self._conn.execute(
            select(n).where(n.c.status == "failed").order_by(n.c.sent_at.desc()).limit(limit)
        )
        return [
            {
                "event_id": r.event_id,
                "email": r.email,
                "first_tried_at": r.sent_at,
                "attempts": r.attempts,
                "error": r.error,
            }
            for r in rows
        ]
