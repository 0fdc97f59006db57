"""Stations, their EVSEs and their connectors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.repositories.station_guard import site_networks
from laddnet.adapters.db.session_cache import SessionCache
from laddnet.adapters.db.tables import connectors, evse_availability, stations
from laddnet.domain.errors import DuplicateStation
from laddnet.domain.ids import ConnectorId, EvseId, SiteId, StationId
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.security.seen_networks import effective_networks
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    Availability,
    ChargingState,
    Connector,
    ConnectorState,
    ConnectorStatus,
    Evse,
    RegistrationStatus,
    Station,
    StationInfo,
)
from laddnet.ports.stations import StationCredentials

_CONNECTOR_KEY = ["station_id", "evse_id", "connector_id"]
_EVSE_KEY = ["station_id", "evse_id"]


class SqlStationRepository:
    def __init__(self, conn: Connection, session_cache: SessionCache | None = None) -> None:
        self._conn = conn
        self._hot = HotSql(conn)
        self._sessions = session_cache

    def credentials(self, station_id: StationId) -> StationCredentials | None:
        """What a station's login needs of its row (None: unknown or decommissioned)."""
        row = self._hot.one(stations, {"id": station_id})
        if row is None or row["decommissioned_at"] is not None:
            return None  # a decommissioned station logs in no more than an unknown one
        status = row["registration_status"]
        registration = RegistrationStatus(status) if status else None
        profile = SecurityProfile(row["security_profile"])
        networks = _networks(row["allowed_networks"])
        if networks is None and row["site_id"] is not None:  # else its site's list applies
            networks = effective_networks(networks, site_networks(self._conn, row["site_id"]))
        read = row["configuration_read_at"] is not None
        return StationCredentials(row["password_hash"], registration, profile, networks, read)

    def add(self, station_id: StationId, password_hash: str, now: datetime) -> None:
        stmt = (
            insert_ignoring_duplicates(self._conn, stations)
            .values(
                id=station_id,
                password_hash=password_hash,
                connected=False,
                created_at=now,
                security_profile=int(SecurityProfile.BASIC_AUTH),
            )
            .returning(stations.c.id)
        )
        if self._conn.execute(stmt).first() is None:
            raise DuplicateStation(station_id)

    def set_password_hash(
        self, station_id: StationId, new: str, *, replacing: str | None = None
    ) -> bool:
        """Store `new`; with `replacing`, only while the stored hash is still that one (a new
        password wins over a rehash of the old one). Whether it was stored."""
        stmt = update(stations).where(stations.c.id == station_id).values(password_hash=new)
        if replacing is not None:
            stmt = stmt.where(stations.c.password_hash == replacing)
        return self._conn.execute(stmt).rowcount == 1

    def record_boot(
        self,
        station_id: StationId,
        info: StationInfo,
        ocpp_version: str,
        status: RegistrationStatus,
        now: datetime,
    ) -> None:
        values = {
            "registration_status": status.value,
            "ocpp_version": ocpp_version,
            "vendor": info.vendor,
            "model": info.model,
            "serial_number": info.serial_number,
            "firmware_version": info.firmware_version,
            "last_boot_at": now,
            "last_seen_at": now,
        }
        self._hot.update(stations, values, {"id": station_id})

    def touch(self, station_id: StationId, now: datetime) -> None:
        self._hot.update(stations, {"last_seen_at": now}, {"id": station_id})

    def set_presence(
        self,
        station_id: StationId,
        connected: bool,
        ocpp_version: str | None,
        node: str,
        now: datetime,
    ) -> None:
        """Connected to `node`, or no longer connected to it. A disconnect from a node the
        station has since left (it reconnected to another one) changes nothing."""
        if connected:
            values = {
                "connected": True,
                "connected_node": node,
                "connected_since": now,
                "ocpp_version": ocpp_version,
                "last_seen_at": now,
            }
            self._hot.update(stations, values, {"id": station_id})
            if self._sessions is not None:
                # Another node may have served the station meanwhile: its sessions are read
                # afresh (see session_cache.py).
                self._sessions.forget_station(station_id)
            return
        values = {"connected": False, "connected_node": None, "last_seen_at": now}
        self._hot.update(stations, values, {"id": station_id, "connected_node": node})

    def clear_presence(self, node: str) -> None:
        """Mark the stations `node` held disconnected, when it starts: its old connections
        are gone. Stations held by other nodes keep their flags; a flag with no node (set
        before nodes were recorded) is cleared too."""
        held_here = stations.c.connected_node == node
        unattributed = stations.c.connected & stations.c.connected_node.is_(None)
        self._conn.execute(
            update(stations)
            .where(held_here | unattributed)
            .values(connected=False, connected_node=None)
        )

    def connector_state(
        self, station_id: StationId, evse_id: EvseId, connector_id: ConnectorId
    ) -> ConnectorState | None:
        key = {"station_id": station_id, "evse_id": evse_id, "connector_id": connector_id}
        row = self._hot.one(connectors, key)
        return _connector_state(row) if row else None

    def save_connector_state(
        self,
        station_id: StationId,
        evse_id: EvseId,
        connector_id: ConnectorId,
        state: ConnectorState,
        now: datetime,
    ) -> None:
        values = {
            "station_id": station_id,
            "evse_id": evse_id,
            "connector_id": connector_id,
            "status": state.status.value,
            "charging_state": state.charging_state.value if state.charging_state else None,
            "error_code": state.error_code,
            "reported_at": state.reported_at,
            "received_at": now,
        }
        self._hot.upsert(connectors, _CONNECTOR_KEY, values)

    def availability(self, station_id: StationId, evse_id: EvseId) -> Availability | None:
        row = self._hot.one(evse_availability, {"station_id": station_id, "evse_id": evse_id})
        return _availability(row) if row else None

    def save_availability(
        self, station_id: StationId, evse_id: EvseId, state: Availability, now: datetime
    ) -> None:
        values = {
            "station_id": station_id,
            "evse_id": evse_id,
            "status": state.status.value,
            "error_code": state.error_code,
            "reported_at": state.reported_at,
            "received_at": now,
        }
        self._hot.upsert(evse_availability, _EVSE_KEY, values)

    def set_details(
        self, station_id: StationId, *, site_id: SiteId | None, display_name: str | None
    ) -> None:
        values = {"site_id": site_id, "display_name": display_name}
        self._conn.execute(update(stations).where(stations.c.id == station_id).values(values))

    def set_security_profile(self, station_id: StationId, profile: SecurityProfile) -> None:
        stmt = update(stations).where(stations.c.id == station_id)
        self._conn.execute(stmt.values(security_profile=int(profile)))

    def set_allowed_networks(self, station_id: StationId, networks: tuple[str, ...] | None) -> None:
        stmt = update(stations).where(stations.c.id == station_id)
        self._conn.execute(
            stmt.values(allowed_networks=list(networks) if networks is not None else None)
        )

    def decommission(self, station_id: StationId, now: datetime) -> None:
        stmt = update(stations).where(stations.c.id == station_id)
        self._conn.execute(stmt.values(decommissioned_at=now))

    def get(self, station_id: StationId) -> Station | None:
        row = (self._conn.execute(select(stations).where(stations.c.id == station_id))).first()
        if row is None:
            return None
        parts = _station_parts(self._conn, [station_id])
        return _station(row._mapping, *parts[station_id])

    def list(
        self,
        *,
        limit: int,
        offset: int,
        include_decommissioned: bool = False,
        sites: frozenset[str] | None = None,
    ) -> tuple[list[Station], int]:
        cond: ColumnElement[bool] = stations.c.id.is_not(None)
        if not include_decommissioned:
            cond = stations.c.decommissioned_at.is_(None)
        if sites is not None:  # a site scope: only its sites' stations
            cond = cond & stations.c.site_id.in_(sorted(sites))
        total = self._conn.execute(
            select(func.count()).select_from(stations).where(cond)
        ).scalar_one()
        rows = self._conn.execute(
            select(stations).where(cond).order_by(stations.c.id).limit(limit).offset(offset)
        ).all()
        parts = _station_parts(self._conn, [r.id for r in rows])
        return [_station(r._mapping, *parts[r.id]) for r in rows], int(total)

    def registered_at(self, station_id: StationId) -> datetime | None:
        """When the station was added here (None if unknown)."""
        stmt = select(stations.c.created_at).where(stations.c.id == station_id)
        value: datetime | None = self._conn.execute(stmt).scalar_one_or_none()
        return value


def _station_parts(conn: Connection, ids: list[str]) -> dict[str, tuple[list[Any], list[Any]]]:
    """Each station's connector rows and availability rows, in EVSE and connector order."""
    parts: dict[str, tuple[list[Any], list[Any]]] = {i: ([], []) for i in ids}
    if not ids:
        return parts
    conn_rows = conn.execute(
        select(connectors)
        .where(connectors.c.station_id.in_(ids))
        .order_by(connectors.c.evse_id, connectors.c.connector_id)
    )
    for c in conn_rows:
        parts[c.station_id][0].append(c._mapping)
    evse_rows = conn.execute(
        select(evse_availability)
        .where(evse_availability.c.station_id.in_(ids))
        .order_by(evse_availability.c.evse_id)
    )
    for e in evse_rows:
        parts[e.station_id][1].append(e._mapping)
    return parts


def _connector_state(m: Any) -> ConnectorState:
    return ConnectorState(
        status=ConnectorStatus(m["status"]),
        charging_state=ChargingState(m["charging_state"]) if m["charging_state"] else None,
        error_code=m["error_code"],
        reported_at=m["reported_at"],
    )


def _availability(m: Any) -> Availability:
    return Availability(ConnectorStatus(m["status"]), m["error_code"], m["reported_at"])


def _station(m: Any, connector_rows: list[Any], evse_rows: list[Any]) -> Station:
    info = (
        StationInfo(m["vendor"], m["model"], m["serial_number"], m["firmware_version"])
        if m["vendor"]
        else None
    )
    status = m["registration_status"]
    return Station(
        id=StationId(m["id"]),
        registration_status=RegistrationStatus(status) if status else None,
        ocpp_version=m["ocpp_version"],
        info=info,
        connected=bool(m["connected"]),
        last_seen_at=m["last_seen_at"],
        last_boot_at=m["last_boot_at"],
        connectors=tuple(
            Connector(EvseId(c["evse_id"]), ConnectorId(c["connector_id"]), _connector_state(c))
            for c in connector_rows
        ),
        node=m["connected_node"],
        availability=next(
            (_availability(e) for e in evse_rows if e["evse_id"] == WHOLE_STATION), None
        ),
        evses=tuple(
            Evse(EvseId(e["evse_id"]), _availability(e))
            for e in evse_rows
            if e["evse_id"] != WHOLE_STATION
        ),
        site_id=m["site_id"],
        display_name=m["display_name"],
        decommissioned_at=m["decommissioned_at"],
        security_profile=SecurityProfile(m["security_profile"]),
        allowed_networks=_networks(m["allowed_networks"]),
    )


def _networks(value: Any) -> tuple[str, ...] | None:
    return tuple(value) if value is not None else None
