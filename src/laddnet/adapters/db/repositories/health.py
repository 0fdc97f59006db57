"""The signals a station's health score is computed from, read in a few aggregate queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, or_, select

from laddnet.adapters.db.tables import sessions, status_history
from laddnet.adapters.db.tables.maintenance import presence_history, station_monitoring
from laddnet.domain.maintenance.health import HealthSignals


class SqlHealth:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def signals(self, station_id: str, since: datetime) -> HealthSignals:
        s = sessions
        ended = (s.c.station_id == station_id) & (s.c.stopped_at >= since)
        counts = self._conn.execute(
            select(
                func.count(),
                func.count().filter(s.c.energy_wh <= 0),
                func.max(s.c.stopped_at).filter(s.c.energy_wh > 0),
            ).where(ended)
        ).one()
        h = status_history
        faults = self._conn.execute(
            select(func.count())
            .where(h.c.station_id == station_id, h.c.reported_at >= since)
            .where(or_(h.c.status == "Faulted", h.c.error_code.is_not(None)))
        ).scalar_one()
        p = presence_history
        lost = self._conn.execute(
            select(func.count()).where(
                p.c.station_id == station_id, p.c.at >= since, p.c.connected.is_(False)
            )
        ).scalar_one()
        m = station_monitoring
        row = self._conn.execute(
            select(m.c.recent_boots).where(m.c.station_id == station_id)
        ).first()
        boots = [b for b in (row.recent_boots if row else []) if datetime.fromisoformat(b) >= since]
        return HealthSignals(
            sessions=int(counts[0]),
            empty_sessions=int(counts[1]),
            fault_reports=int(faults),
            boots=len(boots),
            disconnects=int(lost),
            last_energy_at=counts[2],
        )
