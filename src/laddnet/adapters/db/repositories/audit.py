"""The audit log (who changed what through the API or CLI) and the event outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import audit_log, outbox_events


class SqlAuditLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str | None,
        detail: dict[str, Any],
        now: datetime,
    ) -> None:
        self._conn.execute(
            insert(audit_log).values(
                actor=actor,
                action=action,
                target_type=target_type,
                target_id=target_id,
                detail=detail,
                occurred_at=now,
            )
        )

    def entries(
        self, *, target_type: str | None = None, target_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if target_type is not None:
            stmt = stmt.where(audit_log.c.target_type == target_type)
        if target_id is not None:
            stmt = stmt.where(audit_log.c.target_id == target_id)
        return [dict(r._mapping) for r in self._conn.execute(stmt)]


class SqlOutbox:
    """Events written in the transaction of the change they describe; a relay publishes them
    after commit. `added` counts this unit of work's events (the writer nudges the relay)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.added = 0

    def add(
        self, event_type: str, station_id: str | None, data: dict[str, Any], now: datetime
    ) -> None:
        # On the per-message path (session.updated on every meter value): the hot statement.
        values = {"type": event_type, "station_id": station_id, "data": data, "occurred_at": now}
        HotSql(self._conn).insert(outbox_events, values)
        self.added += 1
