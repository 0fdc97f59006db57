"""Notification recipients and which event went to whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

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
