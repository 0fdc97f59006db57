"""Drivers (ciphertext only) and the wrapped keys that decrypt them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables.privacy import crypto_keys, drivers
from laddnet.domain.errors import Conflict


class SqlCryptoKeys:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def all(self) -> list[dict[str, Any]]:
        rows = self._conn.execute(select(crypto_keys).order_by(crypto_keys.c.created_at))
        return [dict(r._mapping) for r in rows]

    def add(self, key_id: str, purpose: str, wrapped: str, now: datetime) -> bool:
        """False if a key of this id exists already (another process made it first)."""
        stmt = insert_ignoring_duplicates(self._conn, crypto_keys).values(
            id=key_id, purpose=purpose, wrapped=wrapped, created_at=now
        )
        return self._conn.execute(stmt).rowcount == 1

    def delete(self, key_ids: list[str]) -> int:
        """Drop keys nothing needs any more (index keys whose indexes were all recomputed)."""
        if not key_ids:
            return 0
        query = delete(crypto_keys).where(crypto_keys.c.id.in_(key_ids))
        return self._conn.execute(query).rowcount

    def rewrap(self, wrapped: dict[str, str]) -> None:
        for key_id, value in wrapped.items():
            self._conn.execute(
                update(crypto_keys).where(crypto_keys.c.id == key_id).values(wrapped=value)
            )


class SqlDriverRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, row: dict[str, Any]) -> None:
        if row.get("email_index") and self.by_email_index(row["email_index"]) is not None:
            raise Conflict("a driver with this e-mail exists already")
        self._conn.execute(insert(drivers).values(**row))

    def get(self, driver_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(select(drivers).where(drivers.c.id == driver_id)).first()
        return dict(row._mapping) if row else None

    def by_email_index(self, index: str) -> dict[str, Any] | None:
        row = self._conn.execute(select(drivers).where(drivers.c.email_index == index)).first()
        return dict(row._mapping) if row else None

    def page(self, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        live = drivers.c.erased_at.is_(None)
        total = self._conn.execute(select(func.count()).select_from(drivers).where(live))
        rows = self._conn.execute(
            select(drivers).where(live).order_by(drivers.c.id).limit(limit).offset(offset)
        )
        return [dict(r._mapping) for r in rows], int(total.scalar_one())

    def after(self, driver_id: str, limit: int) -> list[dict[str, Any]]:
        """Rows (erased ones too) after `driver_id` in id order: for re-encryption."""
        rows = self._conn.execute(
            select(drivers).where(drivers.c.id > driver_id).order_by(drivers.c.id).limit(limit)
        )
        return [dict(r._mapping) for r in rows]

    def update(self, driver_id: str, values: dict[str, Any]) -> None:
        index = values.get("email_index")
        if index:
            other = self.by_email_index(index)
            if other is not None and other["id"] != driver_id:
                raise Conflict("a driver with this e-mail exists already")
        self._conn.execute(update(drivers).where(drivers.c.id == driver_id).values(**values))
