"""Id tokens, API keys, security events and other station events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, true, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import upsert
from laddnet.adapters.db.tables import api_keys, id_tokens, security_events, station_events
from laddnet.domain.authorization.model import IdToken
from laddnet.domain.errors import Conflict
from laddnet.domain.security.model import SecurityEventKind


class SqlTokenRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def get(self, value: str) -> IdToken | None:
        row = self._hot.one(id_tokens, {"value": value})  # every Authorize, start and stop
        return None if row is None else _token(row)

    def find(self, value: str, hashed: str | None) -> IdToken | None:
        """The token presented as `value`: stored in clear, or (a driver's) under `hashed`.
        A driver's token never matches in clear: presenting its stored key finds nothing."""
        row = self._hot.one(id_tokens, {"value": value})
        if row is not None and row["driver_id"] is None:
            return _token(row)
        row = self._hot.one(id_tokens, {"value": hashed}) if hashed else None
        return None if row is None else _token(row)

    def save(self, token: IdToken, now: datetime) -> None:
        values = {
            "value": token.value,
            "blocked": token.blocked,
            "expires_at": token.expires_at,
            "group_id": token.group,
            "owner": token.owner,
            "created_at": now,
        }
        self._conn.execute(upsert(self._conn, id_tokens, ["value"], values))

    def add_for_driver(
        self, key: str, driver_id: str, value_enc: str, kind: str, now: datetime
    ) -> bool:
        """A driver's token under its hashed key; False if that key is taken."""
        if self._conn.execute(select(id_tokens.c.value).where(id_tokens.c.value == key)).first():
            return False
        row = {"value": key, "blocked": False, "driver_id": driver_id, "value_enc": value_enc,
               "kind": kind, "created_at": now}  # fmt: skip
        self._conn.execute(insert(id_tokens).values(row))
        return True

    def for_driver(self, driver_id: str) -> list[dict[str, Any]]:
        query = (
            select(id_tokens)
            .where(id_tokens.c.driver_id == driver_id)
            .order_by(id_tokens.c.created_at, id_tokens.c.value)
        )
        return [dict(r._mapping) for r in self._conn.execute(query)]

    def drivers_after(self, after: str, limit: int) -> list[dict[str, Any]]:
        """Drivers' tokens with a key after `after`, in key order (for re-encryption)."""
        query = (
            select(id_tokens.c.value, id_tokens.c.value_enc)
            .where(id_tokens.c.driver_id.is_not(None), id_tokens.c.value > after)
            .order_by(id_tokens.c.value)
            .limit(limit)
        )
        return [dict(r._mapping) for r in self._conn.execute(query)]

    def rekey(self, key: str, new_key: str) -> bool:
        """A driver's token under the hash of a new index key (index key rotation)."""
        query = update(id_tokens).where(id_tokens.c.value == key).values(value=new_key)
        return bool(self._conn.execute(query).rowcount)

    def reseal(self, key: str, value_enc: str) -> bool:
        query = update(id_tokens).where(id_tokens.c.value == key).values(value_enc=value_enc)
        return bool(self._conn.execute(query).rowcount)

    def delete_for_driver(self, driver_id: str, key: str | None = None) -> int:
        """Remove one (`key`) or every token of the driver; how many were removed."""
        condition = id_tokens.c.driver_id == driver_id
        if key is not None:
            condition &= id_tokens.c.value == key
        return self._conn.execute(delete(id_tokens).where(condition)).rowcount


def _token(row: Any) -> IdToken:
    return IdToken(
        value=row["value"],
        blocked=row["blocked"],
        expires_at=row["expires_at"],
        group=row["group_id"],
        owner=row["owner"],
    )


class SqlApiKeyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, key_id: str, key_hash: str, role: str, label: str | None, now: datetime) -> None:
        existing = self._conn.execute(select(api_keys.c.id).where(api_keys.c.id == key_id))
        if existing.first() is not None:
            raise Conflict("api key id collision")
        self._conn.execute(
            insert(api_keys).values(
                id=key_id, key_hash=key_hash, role=role, label=label, revoked=False, created_at=now
            )
        )

    def get(self, key_id: str) -> tuple[str, str, bool] | None:
        row = (self._conn.execute(select(api_keys).where(api_keys.c.id == key_id))).first()
        return (row.key_hash, row.role, bool(row.revoked)) if row else None

    def lookup(self, key_id: str) -> dict[str, Any] | None:
        row = (self._conn.execute(select(api_keys).where(api_keys.c.id == key_id))).first()
        return dict(row._mapping) if row else None

    def set_scope(
        self,
        key_id: str,
        sites: frozenset[str] | None,
        expires_at: datetime | None,
        created_by: str | None,
    ) -> None:
        self._conn.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id)
            .values(
                sites=None if sites is None else sorted(sites),
                expires_at=expires_at,
                created_by=created_by,
            )
        )

    def list(self) -> list[dict[str, Any]]:
        rows = self._conn.execute(select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id))
        return [dict(r._mapping) for r in rows]

    def revoke(self, key_id: str) -> bool:
        result = self._conn.execute(
            update(api_keys).where(api_keys.c.id == key_id).values(revoked=True)
        )
        return result.rowcount == 1

    def used(self, key_id: str, now: datetime) -> None:
        self._conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))


class SqlEventLog:
    """Append-only logs: security events and station-reported events."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def security(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote_address: str | None,
        now: datetime,
    ) -> None:
        self._conn.execute(
            insert(security_events).values(
                kind=kind.value,
                station_id=station_id,
                detail=detail[:2000],
                remote_address=remote_address,
                occurred_at=now,
            )
        )

    def station_event(
        self, station_id: str, kind: str, payload: dict[str, Any], now: datetime
    ) -> None:
        self._conn.execute(
            insert(station_events).values(
                station_id=station_id, kind=kind, payload=payload, received_at=now
            )
        )

    def security_events(
        self, limit: int = 100, *, station_id: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """Newest first; only a station's, or only one kind, if given."""
        stmt = select(security_events)
        if station_id is not None:
            stmt = stmt.where(security_events.c.station_id == station_id)
        if kind is not None:
            stmt = stmt.where(security_events.c.kind == kind)
        rows = self._conn.execute(stmt.order_by(security_events.c.id.desc()).limit(limit))
        return [dict(r._mapping) for r in rows]

    def security_event_page(
        self, *, station_id: str | None, kind: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Security events, newest first, optionally of one station and one kind."""
        cond: ColumnElement[bool] = true()
        if station_id is not None:
            cond = cond & (security_events.c.station_id == station_id)
        if kind is not None:
            cond = cond & (security_events.c.kind == kind)
        total = self._conn.execute(
            select(func.count()).select_from(security_events).where(cond)
        ).scalar_one()
        rows = self._conn.execute(
            select(security_events)
            .where(cond)
            .order_by(security_events.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [dict(r._mapping) for r in rows], int(total)
