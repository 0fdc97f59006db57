"""Recovery attempts and what deciding the next one needs (sessions running, attempts today)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables import sessions
from laddnet.adapters.db.tables.maintenance import recovery_attempts
from laddnet.domain.maintenance.recovery import Attempt, RecoveryAction
from laddnet.domain.sessions.model import SessionStatus


def _attempt(r: Any) -> Attempt:
    return Attempt(
        r.alert_id,
        r.step,
        RecoveryAction(r.action),
        r.at,
        r.command_id,
        r.status,
        r.error,
        r.cleared,
    )


class SqlRecovery:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def attempts_for(self, alert_ids: Sequence[int]) -> dict[int, list[Attempt]]:
        out: dict[int, list[Attempt]] = {a: [] for a in alert_ids}
        if not alert_ids:
            return out
        x = recovery_attempts
        rows = self._conn.execute(
            select(x).where(x.c.alert_id.in_(alert_ids)).order_by(x.c.alert_id, x.c.step)
        )
        for r in rows:
            out[r.alert_id].append(_attempt(r))
        return out

    def attempts_since(self, station_ids: Sequence[str], since: datetime) -> dict[str, int]:
        if not station_ids:
            return {}
        x = recovery_attempts
        rows = self._conn.execute(
            select(x.c.station_id, func.count())
            .where(x.c.station_id.in_(station_ids))
            .where(x.c.at > since)
            .group_by(x.c.station_id)
        )
        return {r[0]: int(r[1]) for r in rows}

    def charging(self, station_ids: Sequence[str]) -> set[str]:
        """The stations with a session running."""
        if not station_ids:
            return set()
        rows = self._conn.execute(
            select(sessions.c.station_id)
            .where(sessions.c.station_id.in_(station_ids))
            .where(sessions.c.status == SessionStatus.ACTIVE.value)
            .distinct()
        )
        return {r.station_id for r in rows}

    def claim(self, station_id: str, attempt: Attempt) -> bool:
        """Record a step about to be taken; False if it was taken already (by another process)."""
        values = {
            "alert_id": attempt.alert_id,
            "station_id": station_id,
            "step": attempt.step,
            "action": attempt.action.value,
            "at": attempt.at,
        }
        stmt = insert_ignoring_duplicates(self._conn, recovery_attempts).values(values)
        if self._conn.execute(stmt.returning(recovery_attempts.c.id)).first() is None:
            return False
        x = recovery_attempts
        earlier = (x.c.alert_id == attempt.alert_id) & (x.c.step < attempt.step)
        self._conn.execute(update(x).where(earlier).values(cleared=False))  # it did not clear
        return True

    def answered(
        self,
        alert_id: int,
        step: int,
        command_id: int | None,
        status: str | None,
        error: str | None,
    ) -> None:
        x = recovery_attempts
        self._conn.execute(
            update(x)
            .where((x.c.alert_id == alert_id) & (x.c.step == step))
            .values(command_id=command_id, status=status, error=error and error[:255])
        )

    def cleared(self, alert_id: int) -> None:
        """The alert's fault cleared: after its last step."""
        x = recovery_attempts
        last = select(func.max(x.c.step)).where(x.c.alert_id == alert_id).scalar_subquery()
        self._conn.execute(
            update(x).where((x.c.alert_id == alert_id) & (x.c.step == last)).values(cleared=True)
        )
