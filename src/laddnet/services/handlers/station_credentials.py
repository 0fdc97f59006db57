"""Credentials of running stations changed over OCPP: password rotation (one station or many,
with progress), security profile upgrades, and certificate renewal ahead of expiry.

The new credential is in force only once the station has answered Accepted *and* connected with
it (domain/security/credentials.py); until then its old credential keeps working, so a station
that never confirms, or loses its connection half-way, is never locked out. A generated
password exists in clear only on its way to the station: stored as a hash, redacted in the
command log, never in the audit log, a security event or a log line.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import (
    Conflict,
    InvalidInput,
    LaddnetError,
    NotFound,
    StationDidNotAnswer,
    StationNotConnected,
    StorageUnavailable,
    UnknownStation,
)
from laddnet.domain.events import EventType
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.security.certificates import StationCertificate
from laddnet.domain.security.credentials import (
    ACCEPTS_LOGIN,
    MAX_OPEN,
    ChangeKind,
    ChangeState,
    CredentialChange,
    after_answer,
    after_connect,
    authorization_key,
    password_for,
    renewal_retry_due,
)
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile, parse_profile
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, PasswordHasher, UnitOfWork
from laddnet.services.handlers.commands import CommandService

log = logging.getLogger(__name__)  # station ids and change ids only: never a password
ACTOR = "laddnet"
BULK_CONCURRENCY = 20
MAX_BULK = 10_000
CERTIFICATE_EXPIRING = EventType.CERTIFICATE_EXPIRING.value
CERTIFICATE_RENEWAL_FAILED = EventType.CERTIFICATE_RENEWAL_FAILED.value


@dataclass(frozen=True, slots=True)
class BulkRotation:
    batch: str
    counts: dict[str, int]  # state -> how many of its stations are in it


@dataclass(frozen=True, slots=True)
class RenewalCheck:
    """What one renewal round did."""

    asked: list[str]  # stations asked to renew (they answered Accepted)
    failed: list[str]  # stations that could not be asked, or refused
    expiring: list[str]  # stations whose certificate is within the alert window


class StationCredentialService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        commands: CommandService,
        hasher: PasswordHasher,
        *,
        renewal_window: timedelta = timedelta(days=30),
        alert_window: timedelta = timedelta(days=7),
        renewal_retry: timedelta = timedelta(hours=24),
    ) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands
        self._hasher = hasher
        self.renewal_window = renewal_window
        self.alert_window = alert_window
        self.renewal_retry = renewal_retry
        self._tasks: set[asyncio.Task[None]] = set()

    # --- password rotation -------------------------------------------------------------------

    async def rotate_password(
        self, station_id: StationId, actor: str, *, sites: frozenset[str] | None = None
    ) -> CredentialChange:
        """Send one station a new generated password and return the change as it stands after
        the station's answer (completed only later, when it connects with it)."""
        station = await self._station(station_id, sites)
        _check_rotatable(station)
        now = self._clock.now()

        def start(uow: UnitOfWork) -> int:
            if len(uow.credential_changes.open_of(station_id, ChangeKind.PASSWORD)) >= MAX_OPEN:
                raise Conflict(
                    f"station {station_id} has {MAX_OPEN} password rotations open already;"
                    " let one finish (it connects with its new password) first"
                )
            change = CredentialChange(
                0, station_id, ChangeKind.PASSWORD, ChangeState.SENT, actor, now
            )
            change_id = uow.credential_changes.add(change)
            detail = {"change_id": change_id}
            uow.audit.record(actor, "station.password_rotation", "station", station_id, detail, now)
            return change_id

        change_id = await self._db.write(start)
        return await self._send_password(station, change_id)

    async def rotate_many(
        self,
        actor: str,
        *,
        station_ids: Sequence[str] | None = None,
        site_id: SiteId | None = None,
        every: bool = False,
        sites: frozenset[str] | None = None,
    ) -> BulkRotation:
        """Queue a rotation for many stations (the ones named, a site's, or every station that
        logs in with a password) and send them in the background, a few at a time. Progress:
        `progress(batch)`. Stations offline now fail (rotate them again later)."""
        if sum((station_ids is not None, site_id is not None, every)) != 1:
            raise InvalidInput("give exactly one of station_ids, site_id or all")
        chosen = await self._choose(station_ids, site_id, sites)
        if not chosen:
            raise InvalidInput("no station to rotate (profile 3 stations use certificates)")
        batch = uuid.uuid4().hex[:16]
        now = self._clock.now()

        def queue(uow: UnitOfWork) -> list[int]:
            ids = []
            for station in chosen:
                change = CredentialChange(
                    0, station.id, ChangeKind.PASSWORD, ChangeState.QUEUED, actor, now, batch
                )
                ids.append(uow.credential_changes.add(change))
            detail = {"batch": batch, "stations": len(chosen)}
            uow.audit.record(actor, "station.password_rotation_bulk", "batch", batch, detail, now)
            return ids

        change_ids = await self._db.write(queue)
        self._spawn(self._run_batch(list(zip(chosen, change_ids, strict=True))))
        return BulkRotation(batch, await self.progress(batch))

    async def progress(self, batch: str) -> dict[str, int]:
        counts = await self._db.read(lambda uow: uow.credential_changes.counts(batch))
        if not counts:
            raise NotFound(f"no rotation batch {batch!r}")
        return counts

    async def changes(
        self,
        *,
        station_id: str | None = None,
        batch: str | None = None,
        kind: ChangeKind | None = None,
        state: ChangeState | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[CredentialChange], int]:
        return await self._db.read(
            lambda uow: uow.credential_changes.search(
                station_id=station_id,
                batch=batch,
                kind=kind,
                state=state,
                limit=limit,
                offset=offset,
            )
        )

    async def wait(self) -> None:
        """Wait for the bulk rotations under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    aclose = wait

    async def _run_batch(self, work: list[tuple[Station, int]]) -> None:
        gate = asyncio.Semaphore(BULK_CONCURRENCY)

        async def one(station: Station, change_id: int) -> None:
            async with gate:
                try:
                    await self._db.write(
                        lambda uow: uow.credential_changes.update(change_id, ChangeState.SENT)
                    )
                    await self._send_password(station, change_id)
                except LaddnetError as exc:  # storage: the change stays as it is, logged
                    log.warning("rotation %d of %s: %s", change_id, station.id, type(exc).__name__)

        await asyncio.gather(*(one(s, c) for s, c in work))

    async def _send_password(self, station: Station, change_id: int) -> CredentialChange:
        fresh = await self._db.read(lambda uow: uow.stations.get(station.id))
        if fresh is None or not fresh.connected or fresh.ocpp_version is None:
            return await self._fail(change_id, station.id, "station offline: not sent")
        password = password_for(fresh.ocpp_version)
        hashed = await asyncio.to_thread(self._hasher.hash, password)
        # Stored before it is sent: a station that takes it at once can log in with it.
        await self._db.write(lambda uow: uow.credential_changes.set_hash(change_id, hashed))
        body = {"password": password, "authorization_key": authorization_key(password)}
        del password
        return await self._deliver(station.id, change_id, CommandName.ROTATE_PASSWORD, body)

    async def _deliver(
        self, station_id: StationId, change_id: int, name: CommandName, body: dict[str, Any]
    ) -> CredentialChange:
        """Send the command carrying a change and move the change by the answer."""
        try:
            result = await self._commands.send(station_id, name, body, ACTOR)
        except StationDidNotAnswer:
            return await self._answered(change_id, None, "no answer", no_answer=True)
        except StationNotConnected:
            # It was connected a moment ago: the connection may have been lost half-way.
            return await self._answered(change_id, None, "connection lost", no_answer=True)
        except LaddnetError as exc:
            return await self._fail(change_id, station_id, f"refused: {exc}"[:200])
        return await self._answered(
            change_id, result.status, f"station answered {result.status}", command=result.command_id
        )

    async def _answered(
        self,
        change_id: int,
        status: str | None,
        detail: str,
        *,
        no_answer: bool = False,
        command: int | None = None,
    ) -> CredentialChange:
        now = self._clock.now()

        def record(uow: UnitOfWork) -> CredentialChange:
            change = _get(uow, change_id)
            if change.state not in ACCEPTS_LOGIN:  # completed or superseded meanwhile
                return change
            state = after_answer(
                status, connected=change.connected_at is not None, no_answer=no_answer
            )
            answered = now if status is not None else None
            if state is ChangeState.COMPLETED:  # first: it takes the new hash over
                _complete(uow, change, now)
            uow.credential_changes.update(
                change_id, state, answered_at=answered, detail=detail, command_id=command
            )
            if state is ChangeState.FAILED:
                _failed_event(uow, change, detail, now)
            return _get(uow, change_id)

        return await self._db.write(record)

    async def _fail(self, change_id: int, station_id: str, detail: str) -> CredentialChange:
        now = self._clock.now()

        def record(uow: UnitOfWork) -> CredentialChange:
            change = _get(uow, change_id)
            uow.credential_changes.update(change_id, ChangeState.FAILED, detail=detail)
            _failed_event(uow, change, detail, now)
            return _get(uow, change_id)

        return await self._db.write(record)

    # --- security profile upgrade ------------------------------------------------------------

    async def upgrade_profile(
        self,
        station_id: StationId,
        profile: int,
        actor: str,
        *,
        csms_url: str | None = None,
        configuration_slot: int = 1,
        fallback_slot: int | None = None,
        sites: frozenset[str] | None = None,
    ) -> CredentialChange:
        """Tell a running station to use a higher security profile: 1.6 ChangeConfiguration
        SecurityProfile; 2.0.1 SetNetworkProfile (the slot with `csms_url`), SetVariables
        OCPPCommCtrlr.NetworkConfigurationPriority (that slot first) and a Reset. The stored
        profile stays until the station has connected with the new one."""
        target = parse_profile(profile, "profile")
        station = await self._station(station_id, sites)
        if target <= station.security_profile:
            raise InvalidInput(
                f"profile: station {station_id} is at profile {int(station.security_profile)}"
                " already; an upgrade goes higher"
            )
        if station.ocpp_version is None:
            raise StationNotConnected(station_id)
        if station.ocpp_version != "1.6":
            if not csms_url or not csms_url.startswith("wss://"):
                raise InvalidInput("csms_url: a 2.0.1 station needs the wss:// URL to connect to")
            if not 0 <= configuration_slot <= 9 or fallback_slot == configuration_slot:
                raise InvalidInput("configuration_slot: 0-9, and not the fallback slot")
        now = self._clock.now()

        def start(uow: UnitOfWork) -> int:
            for open_ in uow.credential_changes.open_of(station_id, ChangeKind.SECURITY_PROFILE):
                uow.credential_changes.update(open_.id, ChangeState.SUPERSEDED)
            change = CredentialChange(
                0,
                station_id,
                ChangeKind.SECURITY_PROFILE,
                ChangeState.SENT,
                actor,
                now,
                target_profile=target,
            )
            change_id = uow.credential_changes.add(change)
            detail = {"change_id": change_id, "profile": int(target)}
            uow.audit.record(
                actor, "station.security_profile_upgrade", "station", station_id, detail, now
            )
            return change_id

        change_id = await self._db.write(start)
        if station.ocpp_version == "1.6":
            body = {"profile": int(target)}
            return await self._deliver(
                station_id, change_id, CommandName.SET_SECURITY_PROFILE, body
            )
        assert csms_url is not None
        network = {
            "configuration_slot": configuration_slot,
            "csms_url": csms_url,
            "profile": int(target),
        }
        change = await self._deliver(
            station_id, change_id, CommandName.SET_NETWORK_PROFILE, network
        )
        if change.state is not ChangeState.CONFIRMED:
            return change
        priority = str(configuration_slot)
        if fallback_slot is not None:
            priority += f",{fallback_slot}"
        change = await self._deliver(
            station_id, change_id, CommandName.SET_SECURITY_PROFILE, {"priority": priority}
        )
        if change.state is not ChangeState.CONFIRMED:
            return change
        try:  # the station takes the new priority when it restarts (OnIdle: no session cut)
            reset = await self._commands.send(
                station_id, CommandName.RESET, {"type": "soft"}, ACTOR
            )
            note = f"network profile and priority accepted; reset {reset.status}"
        except LaddnetError as exc:
            note = f"network profile and priority accepted; reset not sent: {type(exc).__name__}"
        await self._db.write(
            lambda uow: uow.credential_changes.update(change_id, change.state, detail=note)
        )
        return await self._db.read(lambda uow: _get(uow, change_id))

    # --- the station connects ----------------------------------------------------------------

    async def on_login(
        self, station_id: StationId, rotation_id: int | None, transport: SecurityProfile
    ) -> None:
        """A station connected: with a rotation's new password (`rotation_id`) and over the
        `transport` profile. Completes what the station has now both confirmed and used."""
        now = self._clock.now()

        def record(uow: UnitOfWork) -> None:
            changes = uow.credential_changes.open_of(station_id, ChangeKind.SECURITY_PROFILE)
            if rotation_id is not None:
                rotation = uow.credential_changes.get(rotation_id)
                if rotation is not None and rotation.state in ACCEPTS_LOGIN:
                    changes.append(rotation)
            for change in changes:
                if change.target_profile is not None and transport < change.target_profile:
                    continue  # still connecting the old way
                state = after_connect(change.state)
                if state is ChangeState.COMPLETED:  # first: it takes the new hash over
                    _complete(uow, change, now)
                uow.credential_changes.update(change.id, state, connected_at=now)

        try:
            if rotation_id is None:  # the common case: one read, no write (reconnect storms)
                profile = ChangeKind.SECURITY_PROFILE
                if not await self._db.read(
                    lambda uow: uow.credential_changes.open_of(station_id, profile)
                ):
                    return
            await self._db.write(record)
        except StorageUnavailable:
            log.warning("could not record %s's login for its credential changes", station_id)

    # --- certificate renewal -----------------------------------------------------------------

    async def run_renewals(self, interval: float) -> None:
        """Check for certificates to renew every `interval` seconds until cancelled."""
        while True:
            try:
                await self.check_renewals()
            except LaddnetError as exc:
                log.warning("certificate renewal check failed: %s", type(exc).__name__)
            await asyncio.sleep(interval)

    async def check_renewals(self) -> RenewalCheck:
        """Ask every station whose newest station certificate expires within the renewal window
        to renew it (2.0.1 TriggerMessage, 1.6 ExtendedTriggerMessage SignChargingStation-/
        SignChargePointCertificate); at most once per `renewal_retry` per certificate. Records
        a security event and an event when it cannot be asked or when the certificate is within
        the alert window."""
        now = self._clock.now()
        due = await self._db.read(
            lambda uow: [
                (c, uow.credential_changes.last_renewal(c.id or 0))
                for c in uow.credential_changes.expiring(now + self.renewal_window)
            ]
        )
        check = RenewalCheck([], [], [])
        for cert, last in due:
            if not renewal_retry_due(last, now, self.renewal_retry):
                continue
            await self._renew(cert, check)
        return check

    async def _renew(self, cert: StationCertificate, check: RenewalCheck) -> None:
        station_id = StationId(cert.station_id)
        cert_id = cert.id or 0  # stored certificates have one
        try:
            result = await self._commands.send(station_id, CommandName.RENEW_CERTIFICATE, {}, ACTOR)
            failure = None if result.status == "Accepted" else f"station answered {result.status}"
        except LaddnetError as exc:
            failure = f"not asked: {type(exc).__name__}"
        now = self._clock.now()
        left = cert.not_after - now
        expiring = left <= self.alert_window
        until = cert.not_after.isoformat()

        def record(uow: UnitOfWork) -> None:
            outcome = "failed" if failure else "requested"
            detail = failure or "renewal requested"
            uow.credential_changes.add_renewal(cert.station_id, cert_id, now, outcome, detail)
            data = {
                "certificate_id": cert_id,
                "serial_number": cert.serial_number,
                "not_after": until,
                "days_left": max(0, left.days),
            }
            if failure:
                kind = SecurityEventKind.CERTIFICATE_RENEWAL_FAILED
                text = f"certificate {cert.serial_number} (valid until {until}): {failure}"
                uow.events.security(kind, cert.station_id, text, None, now)
                uow.outbox.add(
                    CERTIFICATE_RENEWAL_FAILED, cert.station_id, {**data, "reason": failure}, now
                )
            if expiring:
                kind = SecurityEventKind.CERTIFICATE_EXPIRING
                text = f"certificate {cert.serial_number} expires {until}"
                uow.events.security(kind, cert.station_id, text, None, now)
                uow.outbox.add(CERTIFICATE_EXPIRING, cert.station_id, data, now)

        await self._db.write(record)
        (check.failed if failure else check.asked).append(cert.station_id)
        if expiring:
            check.expiring.append(cert.station_id)

    # --- helpers -----------------------------------------------------------------------------

    async def _station(self, station_id: StationId, sites: frozenset[str] | None) -> Station:
        station = await self._db.read(lambda uow: uow.stations.get(station_id))
        if station is None or station.decommissioned_at is not None:
            raise UnknownStation(f"station {station_id!r} not found")
        if sites is not None and station.site_id not in sites:
            raise UnknownStation(f"station {station_id!r} not found")
        return station

    async def _choose(
        self,
        station_ids: Sequence[str] | None,
        site_id: SiteId | None,
        sites: frozenset[str] | None,
    ) -> list[Station]:
        if station_ids is not None:
            if not 1 <= len(station_ids) <= MAX_BULK or len(set(station_ids)) != len(station_ids):
                raise InvalidInput(f"station_ids: 1 to {MAX_BULK} different stations")
            chosen = [await self._station(StationId(s), sites) for s in station_ids]
            for station in chosen:
                _check_rotatable(station)
            return chosen
        scope = sites
        if site_id is not None:
            if sites is not None and site_id not in sites:
                raise UnknownStation(f"site {site_id!r} not found")
            scope = frozenset({site_id})

        def read(uow: UnitOfWork) -> list[Station]:
            found: list[Station] = []
            while True:
                page, total = uow.stations.list(limit=500, offset=len(found), sites=scope)
                found.extend(page)
                if not page or len(found) >= total:
                    return found

        listed = await self._db.read(read)
        return [
            s
            for s in listed
            if s.security_profile is not SecurityProfile.TLS_CLIENT_CERTIFICATE
            and s.ocpp_version is not None
        ][:MAX_BULK]

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _check_rotatable(station: Station) -> None:
    if station.security_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE:
        raise InvalidInput(
            f"station {station.id} logs in with its client certificate (profile 3): no password"
        )
    if station.ocpp_version is None:
        raise StationNotConnected(station.id)  # never booted: its OCPP version is unknown


def _get(uow: UnitOfWork, change_id: int) -> CredentialChange:
    change = uow.credential_changes.get(change_id)
    assert change is not None, change_id
    return change


def _complete(uow: UnitOfWork, change: CredentialChange, now: Any) -> None:
    """The station confirmed the change and connected with it: it is now in force."""
    station_id = StationId(change.station_id)
    if change.kind is ChangeKind.PASSWORD:
        hashed = uow.credential_changes.password_hash(change.id)
        if hashed is not None:
            uow.stations.set_password_hash(station_id, hashed)
        for other in uow.credential_changes.open_of(station_id, ChangeKind.PASSWORD):
            if other.id != change.id:
                uow.credential_changes.update(other.id, ChangeState.SUPERSEDED)
        text = f"password rotation {change.id} completed: the new password is the only one"
        uow.events.security(SecurityEventKind.PASSWORD_CHANGED, station_id, text, None, now)
        action = "station.password_rotated"
        detail: dict[str, object] = {"change_id": change.id}
    else:
        assert change.target_profile is not None
        uow.stations.set_security_profile(station_id, change.target_profile)
        text = f"security profile upgrade {change.id} completed: profile {change.target_profile}"
        kind = SecurityEventKind.SECURITY_PROFILE_CHANGED
        uow.events.security(kind, station_id, text, None, now)
        action = "station.security_profile_upgraded"
        detail = {"change_id": change.id, "profile": int(change.target_profile)}
    uow.credential_changes.update(change.id, ChangeState.COMPLETED, completed_at=now)
    uow.audit.record(ACTOR, action, "station", station_id, detail, now)


def _failed_event(uow: UnitOfWork, change: CredentialChange, detail: str, now: Any) -> None:
    what = "password rotation" if change.kind is ChangeKind.PASSWORD else "profile upgrade"
    text = f"{what} {change.id} failed ({detail}); the old credential stays"
    kind = SecurityEventKind.CREDENTIAL_CHANGE_FAILED
    uow.events.security(kind, change.station_id, text, None, now)


__all__ = ["BulkRotation", "RenewalCheck", "StationCredentialService"]
