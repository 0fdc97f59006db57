"""Station handlers: authentication, boot, presence, connector status, reported events."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from laddnet.domain.errors import StorageUnavailable, UnknownStation
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import drawn_password
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.domain.stations.history import StatusChange, availability_change, connector_change
from laddnet.domain.stations.model import (
    AvailabilityReport,
    RegistrationStatus,
    StatusReport,
    reduce_availability,
    reduce_status,
)
from laddnet.ports import Clock, Database, StationSecretHasher, UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StationLogin:
    """A station that proved its identity; `accepted`: its last boot was accepted. The rest
    was read in the login's one read, so that what follows a connection in a storm (credential
    changes, networks, the first configuration read) need not read again."""

    accepted: bool
    security_profile: SecurityProfile = SecurityProfile.BASIC_AUTH  # the station's own
    allowed_networks: tuple[str, ...] | None = None  # None: it may connect from anywhere
    rotation_id: int | None = None  # logged in with this password rotation's new password
    certificate_revoked: bool = False  # profile 3: its client certificate has been revoked
    open_changes: bool = True  # a credential change is under way (True: not known)
    seen_networks: frozenset[str] | None = None  # the networks it connected from (None: unknown)
    configuration_read: bool = False  # its configuration has been read once


def _login_read(
    uow: UnitOfWork, station_id: StationId, certificate: tuple[str, str] | None = None
) -> tuple[str, StationLogin] | None:
    """The password hash, and everything a login and what follows it need, in one read."""
    found = uow.stations.credentials(station_id)
    if found is None:
        return None
    login = StationLogin(
        found.registration is RegistrationStatus.ACCEPTED,
        found.security_profile,
        found.allowed_networks,
        certificate_revoked=certificate is not None and uow.certificates.is_revoked(*certificate),
        open_changes=uow.credential_changes.has_open(station_id),
        seen_networks=frozenset(uow.guard.seen_networks(station_id)),
        configuration_read=found.configuration_read,
    )
    return found.password_hash, login


class StationService:
    def __init__(
        self, db: Database, clock: Clock, hasher: StationSecretHasher, *, node_id: str
    ) -> None:
        self._db = db
        self._node = node_id  # the gateway node this process is (Settings.node_id)
        self._clock = clock
        self._hasher = hasher
        # station id -> sha256 of (hash, password) that passed argon2 verification. A reconnect
        # storm would otherwise cost one argon2 verification per station.
        self._verified: dict[str, bytes] = {}
        # Checked when the station id is unknown, so that an unknown id costs what a known id
        # with a wrong password costs: the response time must not tell which ids exist.
        self._dummy_hash: str | None = None

    async def add_station(self, station_id: StationId, password: str) -> None:
        await self.add_stations([(station_id, password)])

    async def add_stations(
        self,
        credentials: Sequence[tuple[StationId, str | None]],
        keep_drawn: Callable[[dict[StationId, str]], None] | None = None,
    ) -> dict[StationId, str]:
        """Add many stations in one transaction: all of them or none. A station given no
        password gets one Laddnet draws (stored as a cheap hash: ADR 0009); those are returned,
        by station. `keep_drawn` gets them before anything is stored (say, to write them to a
        file): if it raises, nothing is, so no station is left with a password nobody has."""
        drawn = {sid: drawn_password() for sid, pw in credentials if pw is None}
        if keep_drawn is not None:
            keep_drawn(drawn)
        hashed = [
            (sid, await asyncio.to_thread(self._hasher.hash, pw))
            if pw is not None
            else (sid, self._hasher.hash_drawn(drawn[sid]))
            for sid, pw in credentials
        ]
        now = self._clock.now()

        def add(uow: UnitOfWork) -> None:
            for sid, digest in hashed:
                uow.stations.add(sid, digest, now)

        await self._db.write(add)
        return drawn

    async def set_password(self, station_id: StationId, password: str) -> None:
        """A new basic-auth password: the old one is refused from the station's next login on
        (a connection it holds now stays). An unknown station raises UnknownStation."""
        hashed = await asyncio.to_thread(self._hasher.hash, password)
        now = self._clock.now()

        def change(uow: UnitOfWork) -> bool:
            if not uow.stations.set_password_hash(station_id, hashed):
                return False
            detail = "basic-auth password changed"
            uow.events.security(SecurityEventKind.PASSWORD_CHANGED, station_id, detail, None, now)
            return True

        if not await self._db.write(change):
            raise UnknownStation(station_id)

    async def authenticate(self, station_id: StationId, password: str) -> StationLogin | None:
        """The login if the password is right, else None. An unknown station raises
        UnknownStation. One read serves both the password check and the boot state."""
        found = await self._db.read(lambda uow: _login_read(uow, station_id))
        if found is None:
            await self._verify(await self._dummy(), password)
            raise UnknownStation(station_id)
        hashed, login = found
        cached = self._verified.get(station_id)
        if cached is not None and hmac.compare_digest(cached, _fingerprint(hashed, password)):
            return login
        if not await self._verify(hashed, password):
            rotated = await self._rotated_login(station_id, password, login)
            if rotated is None and self._hasher.is_cheap(hashed):
                # A wrong password costs an argon2 verification whatever the station's hash,
                # as an unknown id does: the response time tells nothing.
                await self._verify(await self._dummy(), password)
            return rotated
        if self._hasher.is_cheap(hashed):
            return login  # nothing to remember: checking it again costs microseconds
        if self._hasher.needs_rehash(hashed):
            hashed = await self._rehash(station_id, hashed, password)
        self._verified[station_id] = _fingerprint(hashed, password)
        return login

    async def _verify(self, hashed: str, password: str) -> bool:
        """argon2 in a thread (milliseconds); a drawn secret's HMAC right here."""
        if self._hasher.is_cheap(hashed):
            return self._hasher.verify(hashed, password)
        return await asyncio.to_thread(self._hasher.verify, hashed, password)

    async def _rotated_login(
        self, station_id: StationId, password: str, login: StationLogin
    ) -> StationLogin | None:
        """The login with the new password of a rotation under way, if it is one (the stored
        one stays good until the station has confirmed the new one and connected with it)."""
        pending = await self._db.read(lambda uow: uow.credential_changes.login_hashes(station_id))
        for change_id, hashed in pending:
            if await self._verify(hashed, password):
                return replace(login, rotation_id=change_id)
        return None

    async def _dummy(self) -> str:
        """A hash made with today's parameters, of a secret nobody knows."""
        if self._dummy_hash is None:
            self._dummy_hash = await asyncio.to_thread(self._hasher.hash, secrets.token_hex(16))
        return self._dummy_hash

    async def cached_login(self, station_id: StationId, password: str) -> StationLogin | None:
        """The login if `password` is the one this process last verified for the station, or
        its drawn password (cheap comparisons, no argon2), else None: what a throttled login
        may still use."""
        found = await self._db.read(lambda uow: _login_read(uow, station_id))
        if found is None:
            return None
        hashed, login = found
        if self._hasher.is_cheap(hashed):
            return login if self._hasher.verify(hashed, password) else None
        cached = self._verified.get(station_id)
        if cached is None:
            return None
        return login if hmac.compare_digest(cached, _fingerprint(hashed, password)) else None

    async def certificate_login(
        self, station_id: StationId, certificate: tuple[str, str] | None = None
    ) -> StationLogin:
        """The login of a station that proved its identity with a client certificate (profile
        3); UnknownStation if there is no such station (or it is decommissioned). With the
        certificate's (issuer, serial number), the same read tells whether an operator has
        revoked it (`certificate_revoked`)."""
        found = await self._db.read(lambda uow: _login_read(uow, station_id, certificate))
        if found is None:
            raise UnknownStation(station_id)
        return found[1]

    async def _rehash(self, station_id: StationId, hashed: str, password: str) -> str:
        """Store the password hashed with today's parameters (they were changed since it was
        stored); return the hash in force. A storage failure only postpones it."""
        new = await asyncio.to_thread(self._hasher.hash, password)
        try:
            await self._db.write(
                lambda uow: uow.stations.set_password_hash(station_id, new, replacing=hashed)
            )
        except StorageUnavailable:
            log.warning(
                "could not store %s's rehashed password; trying at its next login", station_id
            )
            return hashed
        return new

    async def register_boot(self, cmd: RegisterBoot) -> RegistrationStatus:
        status = RegistrationStatus.ACCEPTED
        now = self._clock.now()
        info = cmd.info

        def record(uow: UnitOfWork) -> None:
            uow.stations.record_boot(cmd.station_id, info, cmd.ocpp_version, status, now)
            data = {
                "status": status.value,
                "ocpp_version": cmd.ocpp_version,
                "reason": cmd.reason,
                "vendor": info.vendor,
                "model": info.model,
                "serial_number": info.serial_number,
                "firmware_version": info.firmware_version,
            }
            uow.outbox.add(EventType.STATION_BOOTED.value, cmd.station_id, data, now)

        await self._db.write(record)
        return status

    async def heartbeat(self, station_id: StationId) -> None:
        now = self._clock.now()
        await self._db.write(lambda uow: uow.stations.touch(station_id, now))

    async def set_presence(
        self, station_id: StationId, connected: bool, ocpp_version: str | None
    ) -> None:
        now = self._clock.now()
        kind = (EventType.STATION_CONNECTED if connected else EventType.STATION_DISCONNECTED).value

        def record(uow: UnitOfWork) -> None:
            uow.stations.set_presence(station_id, connected, ocpp_version, self._node, now)
            data = {"ocpp_version": ocpp_version, "node": self._node}
            uow.outbox.add(kind, station_id, data, now)

        await self._db.write(record)

    async def clear_presence(self) -> None:
        """This node starts: the stations it held before are no longer connected to it."""
        await self._db.write(lambda uow: uow.stations.clear_presence(self._node))

    async def report_status(self, report: StatusReport | AvailabilityReport) -> None:
        now = self._clock.now()
        await self._db.write(lambda uow: _apply_status(uow, report, now))

    async def record_station_event(
        self,
        station_id: StationId,
        kind: str,
        payload: dict[str, Any],
        reports: Sequence[StatusReport | AvailabilityReport] = (),
    ) -> None:
        """Store a notification as the station sent it, and the states it reports (of
        connectors, EVSEs or the whole station), in one unit of work."""
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.events.station_event(station_id, kind, payload, now)
            for report in reports:
                _apply_status(uow, report, now)

        await self._db.write(apply)

    async def record_security_event(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote_address: str | None = None,
    ) -> None:
        now = self._clock.now()
        await self._db.write(
            lambda uow: uow.events.security(kind, station_id, detail, remote_address, now)
        )


def _fingerprint(hashed: str, password: str) -> bytes:
    return hashlib.sha256(hashed.encode() + b"\0" + password.encode()).digest()


def _apply_status(
    uow: UnitOfWork, report: StatusReport | AvailabilityReport, now: datetime
) -> None:
    """Store the state a report leaves, unless it is a late replay older than what we know;
    a report that changes the status, charging state or error code is also written to the
    status history, and announced as `connector.status_changed` (evse_id/connector_id 0 for an
    EVSE's or the whole station's availability). No read beyond the current state."""
    change: StatusChange | None
    if isinstance(report, AvailabilityReport):
        current = uow.stations.availability(report.station_id, report.evse_id)
        availability = reduce_availability(current, report)
        if availability is None:
            return
        uow.stations.save_availability(report.station_id, report.evse_id, availability, now)
        change = availability_change(current, availability, report, now)
    else:
        station, evse, connector = report.station_id, report.evse_id, report.connector_id
        state = uow.stations.connector_state(station, evse, connector)
        new = reduce_status(state, report)
        if new is None:
            return
        uow.stations.save_connector_state(station, evse, connector, new, now)
        change = connector_change(state, new, report, now)
    if change is not None:
        uow.status_history.add(change)
        uow.outbox.add(STATUS_CHANGED, change.station_id, status_event(change), now)


# The outbox event of a status change (see docs/api/sites-and-stations.md).
STATUS_CHANGED = "connector.status_changed"


def status_event(change: StatusChange) -> dict[str, Any]:
    return {
        "evse_id": change.evse_id,
        "connector_id": change.connector_id,
        "status": change.status.value,
        "charging_state": change.charging_state.value if change.charging_state else None,
        "error_code": change.error_code,
        "vendor_error_code": change.vendor_error_code,
        "info": change.info,
        "reported_at": change.reported_at.astimezone(UTC).isoformat(),
    }
