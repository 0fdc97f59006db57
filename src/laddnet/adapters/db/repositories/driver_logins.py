"""Drivers' own logins, and what a driver may see of their own: the charging sessions and CDRs
of their id tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from laddnet.adapters.db.repositories.cdrs import _cdr
from laddnet.adapters.db.repositories.sessions import _session
from laddnet.adapters.db.tables import sessions
from laddnet.adapters.db.tables.driver_logins import driver_logins
from laddnet.adapters.db.tables.pricing import cdrs
from laddnet.domain.pricing.cdr import Cdr
from laddnet.domain.sessions.model import ChargingSession


class SqlDriverLogins:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, driver_id: str) -> dict[str, Any] | None:
        query = select(driver_logins).where(driver_logins.c.driver_id == driver_id)
        row = self._conn.execute(query).first()
        return dict(row._mapping) if row else None

    def by_setup_token(self, token_hash: str, now: datetime) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(driver_logins).where(
                driver_logins.c.setup_token_hash == token_hash,
                driver_logins.c.setup_expires_at > now,
            )
        ).first()
        return dict(row._mapping) if row else None

    def put(self, driver_id: str, now: datetime, **values: Any) -> None:
        """Change the driver's login row, made first if there is none."""
        if self.get(driver_id) is None:
            row = {"driver_id": driver_id, "totp_enabled": False, "created_at": now}
            self._conn.execute(insert(driver_logins).values(**row, updated_at=now))
        self._conn.execute(
            update(driver_logins)
            .where(driver_logins.c.driver_id == driver_id)
            .values(updated_at=now, **values)
        )

    def delete(self, driver_id: str) -> None:
        self._conn.execute(delete(driver_logins).where(driver_logins.c.driver_id == driver_id))

    def accept_totp_step(self, driver_id: str, step: int, now: datetime) -> bool:
        """Record `step` as used unless it (or a later one) was used already: no replay."""
        result = self._conn.execute(
            update(driver_logins)
            .where(
                driver_logins.c.driver_id == driver_id,
                or_(
                    driver_logins.c.totp_last_step.is_(None),
                    driver_logins.c.totp_last_step < step,
                ),
            )
            .values(totp_last_step=step, updated_at=now)
        )
        return result.rowcount == 1

    def sessions_of(self, tokens: Sequence[str], limit: int) -> list[ChargingSession]:
        if not tokens:
            return []
        query = (
            select(sessions)
            .where(sessions.c.id_token.in_(list(tokens)))
            .order_by(sessions.c.id.desc())
            .limit(limit)
        )
        return [_session(r._mapping) for r in self._conn.execute(query)]

    def cdrs_of(self, tokens: Sequence[str], limit: int) -> list[Cdr]:
        if not tokens:
            return []
        query = (
            select(cdrs)
            .where(cdrs.c.id_token.in_(list(tokens)))
            .order_by(cdrs.c.id.desc())
            .limit(limit)
        )
        return [_cdr(r._mapping) for r in self._conn.execute(query)]
