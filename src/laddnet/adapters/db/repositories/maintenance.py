"""Service statuses, maintenance mode, recent boots and the facts the alert timer reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, or_, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories.alerts import SqlAlerts
from laddnet.adapters.db.repositories.stations import _station, _station_parts
from laddnet.adapters.db.tables import sessions, stations
from laddnet.adapters.db.tables.maintenance import alerts, service_statuses, station_monitoring
from laddnet.domain.maintenance.alerts import AlertKind, StationFacts
from laddnet.domain.maintenance.model import MaintenanceMode, StoredStatus
from laddnet.domain.maintenance.service_status import HEALTH_REASON, ServiceStatus
from laddnet.domain.stations.model import Station

StatusKey = tuple[int, int]
_STATUS_KEY = ("station_id", "evse_id", "connector_id")
_NEEDS = ServiceStatus.NEEDS_MAINTENANCE.value
# A needs_maintenance the health score predicts is no fault to alert on or reset for.
_not_predicted = service_statuses.c.reason.not_like(f"{HEALTH_REASON}%")
_NOT_OFFLINE = (ServiceStatus.OFFLINE.value, ServiceStatus.IN_MAINTENANCE.value)


_LAST_ENDED = (
    "WHERE station_id = ? AND evse_id = ? AND stopped_at IS NOT NULL"
    " ORDER BY started_at DESC, id DESC LIMIT ?"
)


class SqlMonitoring:
    """The station-side half of `laddnet.ports.MaintenanceStore` (alerts: `SqlAlerts`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def service_statuses(
        self, station_ids: Sequence[str]
    ) -> dict[str, dict[StatusKey, StoredStatus]]:
        out: dict[str, dict[StatusKey, StoredStatus]] = {s: {} for s in station_ids}
        if not station_ids:
            return out
        rows = self._conn.execute(
            select(service_statuses).where(service_statuses.c.station_id.in_(station_ids))
        )
        for r in rows:
            out[r.station_id][(r.evse_id, r.connector_id)] = StoredStatus(
                ServiceStatus(r.status), r.reason, r.since
            )
        return out

    def save_service_status(
        self, station_id: str, key: StatusKey, status: ServiceStatus, reason: str, since: datetime
    ) -> None:
        values = {
            "station_id": station_id,
            "evse_id": key[0],
            "connector_id": key[1],
            "status": status.value,
            "reason": reason[:120],
            "since": since,
        }
        self._hot.upsert(service_statuses, _STATUS_KEY, values)  # every connector's change

    def stations_by_id(self, station_ids: Sequence[str]) -> dict[str, Station]:
        """Many stations with their connectors and availabilities, in three queries."""
        if not station_ids:
            return {}
        rows = self._conn.execute(select(stations).where(stations.c.id.in_(station_ids))).all()
        parts = _station_parts(self._conn, [r.id for r in rows])
        return {r.id: _station(r._mapping, *parts[r.id]) for r in rows}

    def site_of(self, station_id: str) -> str | None:
        found = self._hot.column(stations, "site_id", "id = ?", (station_id,))  # every session end
        return found[0] if found else None

    def drifted_stations(self, limit: int) -> list[str]:
        ss = service_statuses
        own = and_(ss.c.station_id == stations.c.id, ss.c.evse_id == 0, ss.c.connector_id == 0)
        drift = or_(
            ss.c.status.is_(None),
            and_(stations.c.connected.is_(False), ss.c.status.not_in(_NOT_OFFLINE)),
            and_(stations.c.connected.is_(True), ss.c.status == ServiceStatus.OFFLINE.value),
        )
        stmt = (
            select(stations.c.id)
            .select_from(stations.outerjoin(ss, own))
            .where(stations.c.decommissioned_at.is_(None))
            .where(stations.c.ocpp_version.is_not(None))
            .where(drift)
            .limit(limit)
        )
        return [r.id for r in self._conn.execute(stmt)]

    def maintenance_of(self, station_ids: Sequence[str]) -> dict[str, MaintenanceMode]:
        if not station_ids:
            return {}
        m = station_monitoring
        rows = self._conn.execute(
            select(m).where(m.c.station_id.in_(station_ids)).where(m.c.maintenance.is_(True))
        )
        return {r.station_id: _mode(r) for r in rows}

    def set_maintenance(self, station_id: str, mode: MaintenanceMode | None) -> None:
        values: dict[str, Any] = {
            "station_id": station_id,
            "maintenance": mode is not None,
            "maintenance_reason": mode.reason if mode else None,
            "maintenance_since": mode.since if mode else None,
            "maintenance_until": mode.until if mode else None,
            "maintenance_by": mode.by if mode else None,
        }
        self._ensure(station_id)
        stmt = update(station_monitoring).where(station_monitoring.c.station_id == station_id)
        self._conn.execute(stmt.values(values))

    def maintenance_over(self, now: datetime) -> list[str]:
        m = station_monitoring
        stmt = (
            select(m.c.station_id)
            .where(m.c.maintenance.is_(True))
            .where(m.c.maintenance_until.is_not(None))
            .where(m.c.maintenance_until <= now)
        )
        return [r.station_id for r in self._conn.execute(stmt)]

    def boots(self, station_id: str) -> tuple[datetime, ...]:
        row = self._hot.one(station_monitoring, {"station_id": station_id})  # every boot
        return _boots(row["recent_boots"]) if row else ()

    def save_boots(self, station_id: str, boots: Sequence[datetime]) -> None:
        self._ensure(station_id)
        recent = {"recent_boots": [b.isoformat() for b in boots]}
        self._hot.update(station_monitoring, recent, {"station_id": station_id})

    def _ensure(self, station_id: str) -> None:
        values = {"station_id": station_id, "maintenance": False, "recent_boots": []}
        self._hot.insert(station_monitoring, values, ignore_duplicates=True)

    def timed_facts(
        self,
        *,
        silent_before: datetime,
        booted_after: datetime,
        booted_since: datetime | None = None,
    ) -> list[StationFacts]:
        s, m, ss, a = stations, station_monitoring, service_statuses, alerts
        live = s.c.decommissioned_at.is_(None) & s.c.last_seen_at.is_not(None)
        booted = s.c.last_boot_at > max(booted_after, booted_since or booted_after)
        if booted_since is not None:  # and those whose boot loop may have ended
            looping = a.c.kind == AlertKind.BOOT_LOOP.value
            open_loops = select(a.c.station_id).where(looping).where(a.c.closed_at.is_(None))
            booted = or_(booted, s.c.id.in_(open_loops))
        wanted = or_(
            s.c.connected.is_(False),
            s.c.last_seen_at < silent_before,
            booted,
            s.c.id.in_(select(ss.c.station_id).where(ss.c.status == _NEEDS).where(_not_predicted)),
        )
        stmt = (
            select(
                s.c.id,
                s.c.site_id,
                s.c.connected,
                s.c.last_seen_at,
                s.c.last_boot_at,
                m.c.maintenance,
                m.c.recent_boots,
            )
            .select_from(s.outerjoin(m, m.c.station_id == s.c.id))
            .where(live & wanted)
        )
        rows = [r for r in self._conn.execute(stmt) if not r.maintenance]
        faults: dict[str, dict[StatusKey, tuple[datetime, str]]] = {r.id: {} for r in rows}
        if rows:
            fault_rows = self._conn.execute(
                select(ss)
                .where(ss.c.status == _NEEDS)
                .where(_not_predicted)
                .where(ss.c.station_id.in_(list(faults)))
            )
            for f in fault_rows:
                faults[f.station_id][(f.evse_id, f.connector_id)] = (f.since, f.reason)
        return [
            StationFacts(
                station_id=r.id,
                site_id=r.site_id,
                connected=bool(r.connected),
                last_seen_at=r.last_seen_at,
                boots=_boots(r.recent_boots)
                if r.last_boot_at and r.last_boot_at > booted_after
                else (),
                faults=faults[r.id],
            )
            for r in rows
        ]

    def last_session_energies(
        self, station_id: str, session_id: int, limit: int
    ) -> tuple[int, list[Decimal]] | None:
        # Every session end. Newest first by start, along the index of a station's sessions,
        # so that the query reads `limit` of them, not all the station ever had (an EVSE
        # charges one session at a time: their starts and stops come in the same order).
        evse = self._hot.column(sessions, "evse_id", "id = ?", (session_id,))
        if not evse or evse[0] is None:
            return None
        found = self._hot.select(
            sessions, ("energy_wh",), _LAST_ENDED, (station_id, evse[0], limit)
        )
        return int(evse[0]), [r["energy_wh"] for r in found]


def _mode(r: Any) -> MaintenanceMode:
    return MaintenanceMode(
        r.maintenance_reason or "", r.maintenance_since, r.maintenance_until, r.maintenance_by or ""
    )


def _boots(raw: Any) -> tuple[datetime, ...]:
    return tuple(datetime.fromisoformat(b) for b in (raw or []))


class SqlMaintenanceStore(SqlMonitoring, SqlAlerts):
    """`laddnet.ports.MaintenanceStore` over one connection."""
