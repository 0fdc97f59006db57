"""The signals a station's health score is computed from, read in a few aggregate queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from laddnet.adapters.db import meter_codec
from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import meter_values, sessions, status_history
from laddnet.adapters.db.tables.health import firmware_seen
from laddnet.adapters.db.tables.maintenance import alerts, presence_history, station_monitoring
from laddnet.domain.maintenance.health import ConnectorSignals, HealthSignals, power_share

# Sessions whose meter values are read for the power signal: the newest of the window.
POWER_SESSIONS = 20
_DELIVERED = "Power.Active.Import"
_OFFERED = "Power.Offered"


class SqlHealth:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def signals(
        self, station_id: str, since: datetime
    ) -> tuple[HealthSignals, tuple[ConnectorSignals, ...]]:
        """The station's signals and each of its connectors' that has any, over the window: the
        sessions and fault reports are read once, per connector, and summed for the station."""
        s = sessions
        connector = func.coalesce(s.c.connector_id, 1)
        session_rows = self._conn.execute(
            select(
                s.c.evse_id,
                connector,
                func.count(),
                func.count().filter(s.c.energy_wh <= 0),
                func.max(s.c.stopped_at).filter(s.c.energy_wh > 0),
            )
            .where(s.c.station_id == station_id, s.c.stopped_at >= since)
            .group_by(s.c.evse_id, connector)
        ).all()
        h = status_history
        fault_rows = self._conn.execute(
            select(h.c.evse_id, h.c.connector_id, func.count())
            .where(h.c.station_id == station_id, h.c.reported_at >= since)
            .where(or_(h.c.status == "Faulted", h.c.error_code.is_not(None)))
            .group_by(h.c.evse_id, h.c.connector_id)
        ).all()
        shares = self._power_shares(station_id, since)
        station = HealthSignals(
            sessions=sum(int(r[2]) for r in session_rows),
            empty_sessions=sum(int(r[3]) for r in session_rows),
            fault_reports=sum(int(r[2]) for r in fault_rows),
            last_energy_at=max((r[4] for r in session_rows if r[4] is not None), default=None),
            power_shares=tuple(v for vs in shares.values() for v in vs),
            **self._station_only(station_id, since),
        )
        return station, _per_connector(session_rows, fault_rows, shares)

    def _station_only(self, station_id: str, since: datetime) -> dict[str, Any]:
        """The signals only a whole station has: boots, lost connections, heartbeat gaps and
        its firmware."""
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
        gaps = self._conn.execute(
            select(func.count()).where(
                alerts.c.station_id == station_id,
                alerts.c.kind == "heartbeat_missing",
                alerts.c.opened_at >= since,
            )
        ).scalar_one()
        f = firmware_seen
        firmware = self._conn.execute(select(f).where(f.c.station_id == station_id)).first()
        return {
            "boots": len(boots),
            "disconnects": int(lost),
            "heartbeat_gaps": int(gaps),
            "firmware": firmware.firmware_version if firmware else None,
            "firmware_since": firmware.first_seen_at if firmware else None,
        }

    def _power_shares(self, station_id: str, since: datetime) -> dict[tuple[int, int], list[float]]:
        """Per connector, each of the newest sessions' peak share of the power offered (the
        largest delivered/offered of the readings that carry both, power flowing)."""
        s = sessions
        newest = self._conn.execute(
            select(s.c.id, s.c.evse_id, func.coalesce(s.c.connector_id, 1))
            .where(s.c.station_id == station_id, s.c.stopped_at >= since, s.c.energy_wh > 0)
            .where(s.c.evse_id.is_not(None))
            .order_by(s.c.stopped_at.desc())
            .limit(POWER_SESSIONS)
        ).all()
        if not newest:
            return {}
        where = {int(r[0]): (int(r[1]), int(r[2])) for r in newest}
        mv = meter_values
        peaks: dict[int, float] = {}
        for row in self._conn.execute(
            select(mv.c.session_id, mv.c.sampled_at, mv.c.samples).where(
                mv.c.session_id.in_(list(where))
            )
        ):
            delivered = offered = None
            for sample in meter_codec.decode(row.sampled_at, row.samples):
                if sample.phase is not None:
                    continue
                if sample.measurand == _DELIVERED:
                    delivered = float(sample.value)
                elif sample.measurand == _OFFERED:
                    offered = float(sample.value)
            if not delivered or offered is None:  # no car drawing power: says nothing
                continue
            share = power_share(delivered, offered)
            if share is not None:
                peaks[row.session_id] = max(share, peaks.get(row.session_id, 0.0))
        out: dict[tuple[int, int], list[float]] = defaultdict(list)
        for session_id, peak in peaks.items():
            out[where[session_id]].append(peak)
        return dict(out)

    def firmware_seen(self, station_id: str, version: str, at: datetime) -> None:
        """Note the firmware a station booted with; a new version restarts its age. (Every
        boot: hot SQL.)"""
        values = {"firmware_version": version[:50], "first_seen_at": at}
        known = self._hot.one(firmware_seen, {"station_id": station_id})
        if known is None:
            values["station_id"] = station_id
            self._hot.insert(firmware_seen, values, ignore_duplicates=True)
        elif known["firmware_version"] != values["firmware_version"]:
            self._hot.update(firmware_seen, values, {"station_id": station_id})


def _per_connector(
    session_rows: Sequence[Any],
    fault_rows: Sequence[Any],
    shares: dict[tuple[int, int], list[float]],
) -> tuple[ConnectorSignals, ...]:
    """The connectors' signals from the station's rows grouped by EVSE and connector (rows of
    the station itself, with no or a zero EVSE or connector, left out)."""
    by_key = {(int(r[0]), int(r[1])): r for r in session_rows if r[0] is not None}
    faults = {
        (int(r[0]), int(r[1])): int(r[2])
        for r in fault_rows
        if r[0] is not None and r[1] is not None and r[0] > 0 and r[1] > 0
    }
    out = []
    for key in sorted(set(by_key) | set(faults) | set(shares)):
        r = by_key.get(key)
        out.append(
            ConnectorSignals(
                evse_id=key[0],
                connector_id=key[1],
                sessions=int(r[2]) if r else 0,
                empty_sessions=int(r[3]) if r else 0,
                fault_reports=faults.get(key, 0),
                power_shares=tuple(shares.get(key, ())),
                last_energy_at=r[4] if r else None,
            )
        )
    return tuple(out)
