"""Station networks and firmware integrity: sites' allowed source networks, the networks each
station has connected from (a new one is a security event and a `station.new_network` event
for webhooks and alert rules), the firmware inventory and the versions marked vulnerable."""

from __future__ import annotations

import asyncio
import logging

from laddnet.domain.errors import InvalidInput, NotFound, StorageUnavailable, UnknownSite
from laddnet.domain.events import EventType
from laddnet.domain.ids import SiteId
from laddnet.domain.security.firmware import (
    FirmwareInventoryRow,
    VulnerableStation,
    VulnerableVersion,
)
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.networks import parse_networks
from laddnet.domain.security.seen_networks import network_of
from laddnet.ports import Clock, Database, UnitOfWork

log = logging.getLogger(__name__)


NOTES_AT_ONCE = 8


class StationGuardService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        # Noting networks waits behind the logins of a connection storm: a few at a time.
        self._noting = asyncio.Semaphore(NOTES_AT_ONCE)

    # Sites' allowed networks

    async def site_networks(self, site_id: str) -> tuple[str, ...] | None:
        def read(uow: UnitOfWork) -> tuple[str, ...] | None:
            if uow.sites.get(SiteId(site_id)) is None:
                raise UnknownSite(f"site {site_id!r} not found")
            return uow.guard.site_networks(site_id)

        return await self._db.read(read)

    async def set_site_networks(
        self, site_id: str, values: list[str] | None, actor: str
    ) -> tuple[str, ...] | None:
        """Set (None: lift) a site's allowed networks; audited and a security event."""
        networks = None if values is None else parse_networks(values)
        now = self._clock.now()

        def write(uow: UnitOfWork) -> tuple[str, ...] | None:
            if uow.sites.get(SiteId(site_id)) is None:
                raise UnknownSite(f"site {site_id!r} not found")
            uow.guard.set_site_networks(site_id, networks, now)
            listed = list(networks) if networks is not None else None
            change = (
                f"site {site_id} allowed networks: {', '.join(listed) if listed else 'anywhere'}"
            )
            if listed == []:
                change = f"site {site_id} allowed networks: none (its stations are refused)"
            kind = SecurityEventKind.ALLOWED_NETWORKS_CHANGED
            uow.events.security(kind, None, change, None, now)
            detail = {"allowed_networks": listed}
            uow.audit.record(actor, "site.allowed_networks", "site", site_id, detail, now)
            return networks

        return await self._db.write(write)

    # Networks seen per station

    async def note_connection(
        self, station_id: str, address: str | None, seen: frozenset[str] | None = None
    ) -> str | None:
        """Record the network a station connected from; a network it never used before (it
        has used others) is a `new_network` security event and a `station.new_network` event.
        `seen`: the networks it had used, if the login read them. Returns "first", "new" or
        "known" (None: no address, or nothing written)."""
        network = network_of(address)
        if network is None:
            return None
        if seen is not None and network in seen:  # a reconnect from a known network: no write
            return "known"
        async with self._noting:
            return await self._note(station_id, address, network, checked=seen is not None)

    async def _note(
        self, station_id: str, address: str | None, network: str, *, checked: bool
    ) -> str | None:
        """`checked`: the login's read found the network new to the station (no read needed)."""
        now = self._clock.now()
        if not checked:  # a read first: after a restart a reconnect storm costs reads, not writes
            try:
                if await self._db.read(lambda uow: uow.guard.has_network(station_id, network)):
                    return "known"
            except StorageUnavailable:
                pass

        def write(uow: UnitOfWork) -> str:
            seen = uow.guard.note_network(station_id, network, now)
            if seen == "new":
                detail = f"connected from {address}, in {network}: a network it never used before"
                uow.events.security(SecurityEventKind.NEW_NETWORK, station_id, detail, address, now)
                data = {"network": network, "address": address}
                uow.outbox.add(EventType.STATION_NEW_NETWORK.value, station_id, data, now)
            return seen

        try:
            seen = await self._db.write(write)
        except StorageUnavailable:
            log.warning("could not record the network %s connected from", station_id)
            return None
        return seen

    async def station_networks(self, station_id: str) -> list[tuple[str, object, object]]:
        rows = await self._db.read(lambda uow: uow.guard.networks_of(station_id))
        return list(rows)

    # Firmware inventory

    async def inventory(self, sites: frozenset[str] | None = None) -> list[FirmwareInventoryRow]:
        return await self._db.read(lambda uow: uow.guard.inventory(sites))

    async def vulnerable_versions(self) -> list[VulnerableVersion]:
        return await self._db.read(lambda uow: uow.guard.vulnerable_versions())

    async def vulnerable_stations(
        self, sites: frozenset[str] | None = None
    ) -> list[VulnerableStation]:
        return await self._db.read(lambda uow: uow.guard.vulnerable_stations(sites))

    async def mark_vulnerable(
        self, vendor: str, model: str, version: str, reason: str, actor: str
    ) -> VulnerableVersion:
        vendor, model, version, reason = (v.strip() for v in (vendor, model, version, reason))
        if not (vendor and model and version and reason):
            raise InvalidInput("vendor, model, version and reason must not be blank")
        now = self._clock.now()

        def write(uow: UnitOfWork) -> VulnerableVersion:
            marked = uow.guard.mark_vulnerable(vendor, model, version, reason, actor, now)
            detail = {"vendor": vendor, "model": model, "version": version, "reason": reason}
            target = str(marked.id)
            uow.audit.record(actor, "firmware.marked_vulnerable", "firmware", target, detail, now)
            return marked

        return await self._db.write(write)

    async def unmark_vulnerable(self, vulnerability_id: int, actor: str) -> VulnerableVersion:
        now = self._clock.now()

        def write(uow: UnitOfWork) -> VulnerableVersion:
            removed = uow.guard.unmark_vulnerable(vulnerability_id)
            if removed is None:
                raise NotFound(f"vulnerable firmware version {vulnerability_id} not found")
            detail = {"vendor": removed.vendor, "model": removed.model, "version": removed.version}
            target = str(vulnerability_id)
            uow.audit.record(actor, "firmware.unmarked", "firmware", target, detail, now)
            return removed

        return await self._db.write(write)
