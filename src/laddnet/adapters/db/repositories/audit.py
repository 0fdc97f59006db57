"""The audit log (who changed what through the API or CLI) and the event outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import audit_chain, audit_log, outbox_events
from laddnet.domain.security.audit_chain import GENESIS, entry_hash

_HEAD = ("last_hash", "entries")


class SqlAuditLog:
    """The audit log; each entry is chained to the one before it under a lock on the chain's
    head row, so concurrent writers (other processes too) never fork the chain."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)
        self._head = "WHERE id = 1" + self._hot.row_lock()  # the chain's head, until commit

    def record(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str | None,
        detail: dict[str, Any],
        now: datetime,
        *,
        source: str | None = None,
        outcome: str = "ok",
    ) -> None:
        # Hot SQL: every command sent is audited, 10,000 of them after a reconnect storm.
        head = self._hot.select(audit_chain, _HEAD, self._head, ())
        if not head:  # a database migrated before the chain existed has the row; defensive
            self._hot.insert(audit_chain, {"id": 1, "last_hash": GENESIS, "entries": 0})
            prev, count = GENESIS, 0
        else:
            prev, count = head[0]["last_hash"], head[0]["entries"]
        values: dict[str, Any] = {
            "actor": actor[:64],
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "detail": detail,
            "occurred_at": now,
            "source": source[:64] if source else None,
            "outcome": outcome,
        }
        digest = entry_hash(prev, values)
        self._hot.insert(audit_log, {**values, "prev_hash": prev, "hash": digest})
        self._hot.update(audit_chain, {"last_hash": digest, "entries": count + 1}, {"id": 1})

    def entries(
        self, *, target_type: str | None = None, target_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if target_type is not None:
            stmt = stmt.where(audit_log.c.target_type == target_type)
        if target_id is not None:
            stmt = stmt.where(audit_log.c.target_id == target_id)
        return [dict(r._mapping) for r in self._conn.execute(stmt)]

    def search(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        actor: str | None,
        action: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        conditions = []
        if since is not None:
            conditions.append(audit_log.c.occurred_at >= since)
        if until is not None:
            conditions.append(audit_log.c.occurred_at < until)
        if actor is not None:
            conditions.append(audit_log.c.actor == actor)
        if action is not None:
            conditions.append(audit_log.c.action == action)
        total = self._conn.execute(
            select(func.count()).select_from(audit_log).where(*conditions)
        ).scalar_one()
        rows = self._conn.execute(
            select(audit_log)
            .where(*conditions)
            .order_by(audit_log.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows], total

    def chain(self) -> tuple[str, int]:
        """The head: the newest entry's hash and how many entries the chain holds."""
        head = self._conn.execute(select(audit_chain).where(audit_chain.c.id == 1)).first()
        return (head.last_hash, head.entries) if head else (GENESIS, 0)

    def in_order(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            select(audit_log).where(audit_log.c.id > after_id).order_by(audit_log.c.id).limit(limit)
        )
        return [dict(r._mapping) for r in rows]


class SqlOutbox:
    """Events written in the transaction of the change they describe; a relay publishes them
    after commit. `added` counts this unit of work's events (the writer nudges the relay)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)
        self.added = 0

    def add(
        self, event_type: str, station_id: str | None, data: dict[str, Any], now: datetime
    ) -> None:
        # On the per-message path (session.updated on every meter value): the hot statement.
        values = {"type": event_type, "station_id": station_id, "data": data, "occurred_at": now}
        self._hot.insert(outbox_events, values)
        self.added += 1
