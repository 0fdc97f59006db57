"""Site allow-lists, the networks stations connected from, and the firmware inventory with
the versions marked vulnerable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, func, select

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import upsert
from laddnet.adapters.db.tables import stations
from laddnet.adapters.db.tables.station_guard import (
    firmware_vulnerabilities,
    site_allowed_networks,
    station_networks,
)
from laddnet.domain.security.firmware import (
    FirmwareInventoryRow,
    VulnerableStation,
    VulnerableVersion,
)


def site_networks(conn: Connection, site_id: str) -> tuple[str, ...] | None:
    """A site's allowed networks (None: it has no list)."""
    value = conn.execute(
        select(site_allowed_networks.c.networks).where(site_allowed_networks.c.site_id == site_id)
    ).scalar_one_or_none()
    return tuple(value) if value is not None else None


def _vulnerability(r: Any) -> VulnerableVersion:
    return VulnerableVersion(
        id=r.id,
        vendor=r.vendor,
        model=r.model,
        version=r.version,
        reason=r.reason,
        marked_by=r.marked_by,
        marked_at=r.marked_at,
    )


class SqlStationGuard:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    # Site allow-lists

    def site_networks(self, site_id: str) -> tuple[str, ...] | None:
        return site_networks(self._conn, site_id)

    def set_site_networks(
        self, site_id: str, networks: tuple[str, ...] | None, now: datetime
    ) -> None:
        t = site_allowed_networks
        if networks is None:
            self._conn.execute(delete(t).where(t.c.site_id == site_id))
            return
        values = {"site_id": site_id, "networks": list(networks), "updated_at": now}
        self._conn.execute(upsert(self._conn, t, ["site_id"], values))

    # Networks seen

    def note_network(self, station_id: str, network: str, now: datetime) -> str:
        """Record that the station connected from `network`: "known" if it had before, "first"
        if it is the station's first network ever, "new" if it has used others before."""
        # A station's first connection writes here: 10,000 new stations, 10,000 of these.
        key = {"station_id": station_id, "network": network}
        if self._hot.update(station_networks, {"last_seen_at": now}, key):
            return "known"  # (the service reads first; this is a race with another node)
        values = {**key, "first_seen_at": now, "last_seen_at": now}
        added = self._hot.insert(station_networks, values, "network", ignore_duplicates=True)
        if added is None:
            return "known"  # another node recorded it meanwhile
        return "first" if len(self.seen_networks(station_id)) <= 1 else "new"

    def has_network(self, station_id: str, network: str) -> bool:
        t = station_networks
        found = self._conn.execute(
            select(t.c.network).where(t.c.station_id == station_id, t.c.network == network)
        ).first()
        return found is not None

    def seen_networks(self, station_id: str) -> list[str]:
        """Every login asks: hot SQL."""
        return self._hot.column(station_networks, "network", "station_id = ?", [station_id])

    def networks_of(self, station_id: str) -> list[tuple[str, datetime, datetime]]:
        t = station_networks
        rows = self._conn.execute(
            select(t.c.network, t.c.first_seen_at, t.c.last_seen_at)
            .where(t.c.station_id == station_id)
            .order_by(t.c.first_seen_at, t.c.network)
        )
        return [(r.network, r.first_seen_at, r.last_seen_at) for r in rows]

    # Firmware

    def vulnerable_versions(self) -> list[VulnerableVersion]:
        t = firmware_vulnerabilities
        rows = self._conn.execute(select(t).order_by(t.c.vendor, t.c.model, t.c.version))
        return [_vulnerability(r) for r in rows]

    def mark_vulnerable(
        self, vendor: str, model: str, version: str, reason: str, actor: str, now: datetime
    ) -> VulnerableVersion:
        """Mark a version vulnerable (again: the reason is replaced)."""
        t = firmware_vulnerabilities
        values = {
            "vendor": vendor,
            "model": model,
            "version": version,
            "reason": reason,
            "marked_by": actor,
            "marked_at": now,
        }
        self._conn.execute(upsert(self._conn, t, ["vendor", "model", "version"], values))
        row = self._conn.execute(
            select(t).where(t.c.vendor == vendor, t.c.model == model, t.c.version == version)
        ).one()
        return _vulnerability(row)

    def unmark_vulnerable(self, vulnerability_id: int) -> VulnerableVersion | None:
        t = firmware_vulnerabilities
        row = self._conn.execute(select(t).where(t.c.id == vulnerability_id)).first()
        if row is None:
            return None
        self._conn.execute(delete(t).where(t.c.id == vulnerability_id))
        return _vulnerability(row)

    def inventory(self, sites: frozenset[str] | None = None) -> list[FirmwareInventoryRow]:
        """Stations per vendor, model and firmware version (decommissioned ones left out);
        `sites`: only stations on these sites (a site scope)."""
        s = stations
        cond: ColumnElement[bool] = s.c.decommissioned_at.is_(None)
        if sites is not None:
            cond = cond & s.c.site_id.in_(sorted(sites))
        rows = self._conn.execute(
            select(s.c.vendor, s.c.model, s.c.firmware_version, func.count().label("n"))
            .where(cond)
            .group_by(s.c.vendor, s.c.model, s.c.firmware_version)
            .order_by(s.c.vendor, s.c.model, s.c.firmware_version)
        )
        marks = {(v.vendor, v.model, v.version): v for v in self.vulnerable_versions()}
        return [
            FirmwareInventoryRow(
                r.vendor,
                r.model,
                r.firmware_version,
                r.n,
                marks.get((r.vendor, r.model, r.firmware_version)),
            )
            for r in rows
        ]

    def vulnerable_stations(self, sites: frozenset[str] | None = None) -> list[VulnerableStation]:
        s, v = stations, firmware_vulnerabilities
        cond = and_(
            s.c.decommissioned_at.is_(None),
            s.c.vendor == v.c.vendor,
            s.c.model == v.c.model,
            s.c.firmware_version == v.c.version,
        )
        if sites is not None:
            cond = cond & s.c.site_id.in_(sorted(sites))
        rows = self._conn.execute(
            select(
                s.c.id.label("station_id"),
                s.c.site_id,
                s.c.connected,
                v.c.id,
                v.c.vendor,
                v.c.model,
                v.c.version,
                v.c.reason,
                v.c.marked_by,
                v.c.marked_at,
            )
            .select_from(s.join(v, cond))
            .order_by(s.c.id)
        )
        return [
            VulnerableStation(
                station_id=r.station_id,
                site_id=r.site_id,
                vendor=r.vendor,
                model=r.model,
                version=r.version,
                connected=bool(r.connected),
                vulnerability=_vulnerability(r),
            )
            for r in rows
        ]
