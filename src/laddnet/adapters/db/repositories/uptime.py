"""What uptime is computed from: status history, presence, maintenance windows, exclusions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import sites, stations, status_history
from laddnet.adapters.db.tables.maintenance import (
    maintenance_windows,
    presence_history,
    uptime_exclusions,
)
from laddnet.domain.maintenance.uptime import Interval, Reading
from laddnet.domain.stations.model import ConnectorStatus

Key = tuple[int, int]


class SqlUptime:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def add_presence(self, station_id: str, connected: bool, at: datetime) -> None:
        values = {"station_id": station_id, "connected": connected, "at": at}
        self._hot.insert(presence_history, values, ignore_duplicates=True)  # every (dis)connection

    def last_presence(self, station_id: str) -> bool | None:
        row = self._conn.execute(
            select(presence_history.c.connected)
            .where(presence_history.c.station_id == station_id)
            .order_by(presence_history.c.at.desc(), presence_history.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else bool(row.connected)

    def last_presences(self, station_ids: Sequence[str]) -> dict[str, bool]:
        """Each station's last recorded connection state (absent: none recorded)."""
        if not station_ids:
            return {}
        p = presence_history
        newest = (
            select(p.c.station_id, func.max(p.c.at).label("at"))
            .where(p.c.station_id.in_(station_ids))
            .group_by(p.c.station_id)
            .subquery()
        )
        rows = self._conn.execute(
            select(p.c.station_id, p.c.connected, p.c.id)
            .join(newest, and_(newest.c.station_id == p.c.station_id, newest.c.at == p.c.at))
            .order_by(p.c.id)
        )
        return {r.station_id: bool(r.connected) for r in rows}  # the last row of a tie wins

    def open_window(self, station_id: str, at: datetime, reason: str, by: str) -> None:
        self.close_window(station_id, at)
        values = {"station_id": station_id, "started_at": at, "reason": reason, "started_by": by}
        self._conn.execute(insert(maintenance_windows).values(values))

    def close_window(self, station_id: str, at: datetime) -> None:
        w = maintenance_windows
        stmt = update(w).where(w.c.station_id == station_id).where(w.c.ended_at.is_(None))
        self._conn.execute(stmt.values(ended_at=at))

    def add_exclusion(
        self, station_id: str, start: datetime, end: datetime, reason: str, by: str, now: datetime
    ) -> int:
        values = {
            "station_id": station_id,
            "starts_at": start,
            "ends_at": end,
            "reason": reason,
            "created_by": by,
            "created_at": now,
        }
        stmt = insert(uptime_exclusions).values(values).returning(uptime_exclusions.c.id)
        return int(self._conn.execute(stmt).scalar_one())

    def exclusions(self, station_id: str | None, limit: int) -> list[dict[str, Any]]:
        x = uptime_exclusions
        stmt = select(x).order_by(x.c.starts_at.desc()).limit(limit)
        if station_id is not None:
            stmt = stmt.where(x.c.station_id == station_id)
        return [dict(r._mapping) for r in self._conn.execute(stmt)]

    def report_stations(self, site_id: str | None) -> list[tuple[str, str | None, str]]:
        """(station id, site id, the site's time zone or UTC) of the stations to report on."""
        stmt = (
            select(stations.c.id, stations.c.site_id, sites.c.time_zone)
            .select_from(stations.outerjoin(sites, sites.c.id == stations.c.site_id))
            .where(stations.c.decommissioned_at.is_(None))
            .order_by(stations.c.id)
        )
        if site_id is not None:
            stmt = stmt.where(stations.c.site_id == site_id)
        return [(r.id, r.site_id, r.time_zone or "UTC") for r in self._conn.execute(stmt)]

    def readings(self, station_id: str, start: datetime, end: datetime) -> dict[Key, list[Reading]]:
        """Each (evse, connector)'s reported statuses in [start, end) and the last one before,
        oldest first; (evse, 0) an EVSE's own, (0, 0) the station's."""
        h = status_history
        before = (
            select(h.c.evse_id, h.c.connector_id, func.max(h.c.reported_at).label("at"))
            .where(h.c.station_id == station_id)
            .where(h.c.reported_at < start)
            .group_by(h.c.evse_id, h.c.connector_id)
            .subquery()
        )
        first = and_(
            h.c.evse_id == before.c.evse_id,
            h.c.connector_id == before.c.connector_id,
            h.c.reported_at == before.c.at,
        )
        within = and_(h.c.reported_at >= start, h.c.reported_at < end)
        rows = self._conn.execute(
            select(h.c.evse_id, h.c.connector_id, h.c.status, h.c.error_code, h.c.reported_at)
            .select_from(h.outerjoin(before, first))
            .where(h.c.station_id == station_id)
            .where(or_(within, before.c.at.is_not(None)))
            .order_by(h.c.reported_at, h.c.id)
        )
        out: dict[Key, list[Reading]] = {}
        for r in rows:
            reading = Reading(r.reported_at, ConnectorStatus(r.status), r.error_code)
            out.setdefault((r.evse_id, r.connector_id), []).append(reading)
        return out

    def presence(
        self, station_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, bool]]:
        p = presence_history
        last = (
            select(p.c.at, p.c.connected)
            .where(p.c.station_id == station_id)
            .where(p.c.at < start)
            .order_by(p.c.at.desc(), p.c.id.desc())
            .limit(1)
        )
        earlier = [(r.at, bool(r.connected)) for r in self._conn.execute(last)]
        rows = self._conn.execute(
            select(p.c.at, p.c.connected)
            .where(p.c.station_id == station_id)
            .where(p.c.at >= start)
            .where(p.c.at < end)
            .order_by(p.c.at, p.c.id)
        )
        return earlier + [(r.at, bool(r.connected)) for r in rows]

    def excluded(self, station_id: str, start: datetime, end: datetime) -> list[Interval]:
        w, x = maintenance_windows, uptime_exclusions
        windows = self._conn.execute(
            select(w.c.started_at, w.c.ended_at)
            .where(w.c.station_id == station_id)
            .where(w.c.started_at < end)
            .where(or_(w.c.ended_at.is_(None), w.c.ended_at > start))
        )
        outages = self._conn.execute(
            select(x.c.starts_at, x.c.ends_at)
            .where(x.c.station_id == station_id)
            .where(x.c.starts_at < end)
            .where(x.c.ends_at > start)
        )
        return [Interval(r[0], r[1]) for r in (*windows, *outages)]
