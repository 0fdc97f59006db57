"""Station administration: register, change (site, display name, password) and decommission
stations, each audited with who did it. The password never reaches the audit log."""

from __future__ import annotations

import asyncio
import secrets
from enum import Enum

from laddnet.domain.errors import Conflict, InvalidInput, UnknownStation
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.security.credentials import drawn_password
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.networks import parse_networks
from laddnet.domain.security.profiles import SecurityProfile, parse_profile
from laddnet.domain.stations.model import Station
from laddnet.domain.stations.registration import (
    MAX_DISPLAY_NAME,
    check_password,
    check_station_id,
)
from laddnet.ports import Clock, Database, StationSecretHasher, UnitOfWork


class Unchanged(Enum):
    """A field an update leaves as it is (None is a value: it clears the field)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


class StationAdminService:
    def __init__(self, db: Database, clock: Clock, hasher: StationSecretHasher) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher

    async def register_station(
        self,
        station_id: StationId,
        password: str | None,
        *,
        actor: str,
        site_id: SiteId | None = None,
        display_name: str | None = None,
        security_profile: int = SecurityProfile.BASIC_AUTH,
    ) -> Station:
        """A new station that may log in with `password` (none for security profile 3: it
        logs in with its client certificate). DuplicateStation if the id is taken (a
        decommissioned station's too), InvalidInput naming a bad field or unknown site."""
        check_station_id(station_id)
        profile = parse_profile(security_profile)
        if password is None and profile is not SecurityProfile.TLS_CLIENT_CERTIFICATE:
            raise InvalidInput(f"password: required for security profile {int(profile)}")
        if password is not None:
            check_password(password)
            hashed = await asyncio.to_thread(self._hasher.hash, password)
        else:  # profile 3: a random one nobody knows, so basic auth never works
            hashed = self._hasher.hash_drawn(secrets.token_urlsafe(30))
        return await self._register(station_id, hashed, actor, site_id, display_name, profile)

    async def register_station_drawing_password(
        self,
        station_id: StationId,
        *,
        actor: str,
        site_id: SiteId | None = None,
        display_name: str | None = None,
        security_profile: int = SecurityProfile.BASIC_AUTH,
    ) -> tuple[Station, str]:
        """A new station with a password Laddnet draws (returned once, stored as a cheap hash
        that a reconnect storm verifies in microseconds: ADR 0009)."""
        check_station_id(station_id)
        profile = parse_profile(security_profile)
        password = drawn_password()
        hashed = self._hasher.hash_drawn(password)
        station = await self._register(station_id, hashed, actor, site_id, display_name, profile)
        return station, password

    async def _register(
        self,
        station_id: StationId,
        hashed: str,
        actor: str,
        site_id: SiteId | None,
        display_name: str | None,
        profile: SecurityProfile,
    ) -> Station:
        _check_display_name(display_name)
        now = self._clock.now()

        def register(uow: UnitOfWork) -> Station:
            _check_site(uow, site_id)
            uow.stations.add(station_id, hashed, now)
            if site_id is not None or display_name is not None:
                uow.stations.set_details(station_id, site_id=site_id, display_name=display_name)
            detail: dict[str, object] = {"site_id": site_id, "display_name": display_name}
            if profile is not SecurityProfile.BASIC_AUTH:
                uow.stations.set_security_profile(station_id, profile)
                detail["security_profile"] = int(profile)
            uow.audit.record(actor, "station.created", "station", station_id, detail, now)
            return _get(uow, station_id)

        return await self._db.write(register)

    async def update_station(
        self,
        station_id: StationId,
        *,
        actor: str,
        site_id: SiteId | Unchanged | None = UNCHANGED,
        display_name: str | Unchanged | None = UNCHANGED,
        password: str | None = None,
        security_profile: int | None = None,
        allowed_networks: list[str] | Unchanged | None = UNCHANGED,
    ) -> Station:
        """Move the station to a site (None: to none), rename it, give it a new password (the
        old one is refused from its next login on; a connection it holds now stays) or a new
        security profile (from its next login on)."""
        if not isinstance(display_name, Unchanged):
            _check_display_name(display_name)
        profile = parse_profile(security_profile) if security_profile is not None else None
        networks = parse_networks(allowed_networks) if isinstance(allowed_networks, list) else None
        hashed = None
        if password is not None:
            check_password(password)
            hashed = await asyncio.to_thread(self._hasher.hash, password)
        now = self._clock.now()

        def update(uow: UnitOfWork) -> Station:
            station = _get(uow, station_id)
            detail: dict[str, object] = {}
            if not isinstance(site_id, Unchanged):
                _check_site(uow, site_id)
                detail["site_id"] = site_id
            if not isinstance(display_name, Unchanged):
                detail["display_name"] = display_name
            if detail:
                uow.stations.set_details(
                    station_id,
                    site_id=station.site_id if isinstance(site_id, Unchanged) else site_id,
                    display_name=(
                        station.display_name
                        if isinstance(display_name, Unchanged)
                        else display_name
                    ),
                )
            if hashed is not None:
                uow.stations.set_password_hash(station_id, hashed)
                kind = SecurityEventKind.PASSWORD_CHANGED
                uow.events.security(kind, station_id, "basic-auth password changed", None, now)
                detail["password_changed"] = True
            if profile is not None and profile != station.security_profile:
                uow.stations.set_security_profile(station_id, profile)
                detail["security_profile"] = int(profile)
                change = f"security profile {int(station.security_profile)} -> {int(profile)}"
                kind = SecurityEventKind.SECURITY_PROFILE_CHANGED
                uow.events.security(kind, station_id, change, None, now)
            if not isinstance(allowed_networks, Unchanged):
                uow.stations.set_allowed_networks(station_id, networks)
                listed = list(networks) if networks is not None else None
                detail["allowed_networks"] = listed
                change = f"allowed networks: {', '.join(listed) if listed else 'anywhere'}"
                kind = SecurityEventKind.ALLOWED_NETWORKS_CHANGED
                uow.events.security(kind, station_id, change, None, now)
            uow.audit.record(actor, "station.updated", "station", station_id, detail, now)
            return _get(uow, station_id)

        return await self._db.write(update)

    async def decommission_station(self, station_id: StationId, *, actor: str) -> Station:
        """Take a station out of service: refused at login from now on, left out of lists,
        its history kept. Conflict while it is connected or if it already is."""
        now = self._clock.now()

        def decommission(uow: UnitOfWork) -> Station:
            station = _get(uow, station_id)
            if station.decommissioned_at is not None:
                raise Conflict(f"station {station_id} is already decommissioned")
            if station.connected:
                raise Conflict(
                    f"station {station_id} is connected; it can be decommissioned once it is "
                    "offline (change its password, then reset it)"
                )
            uow.stations.decommission(station_id, now)
            detail = {"site_id": station.site_id}
            uow.audit.record(actor, "station.decommissioned", "station", station_id, detail, now)
            return _get(uow, station_id)

        return await self._db.write(decommission)


def _get(uow: UnitOfWork, station_id: StationId) -> Station:
    station = uow.stations.get(station_id)
    if station is None:
        raise UnknownStation(f"station {station_id!r} not found")
    return station


def _check_site(uow: UnitOfWork, site_id: SiteId | None) -> None:
    if site_id is not None and not uow.sites.exists(site_id):
        raise InvalidInput(f"site_id: there is no site {site_id!r}")


def _check_display_name(name: str | None) -> None:
    if name is not None and not 1 <= len(name.strip()) <= MAX_DISPLAY_NAME:
        raise InvalidInput(f"display_name: 1-{MAX_DISPLAY_NAME} characters, not blank")
