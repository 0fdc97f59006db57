"""Password rotation over OCPP (1.6 ChangeConfiguration AuthorizationKey, 2.0.1 SetVariables
SecurityCtrlr.BasicAuthPassword): one station, or many in the background with progress; a
rotation for a station that is offline waits, queued, and one the station never answered is
sent again: either is sent when the station connects (`resend`).

Each sending carries a newly generated password (the clear one is kept nowhere) and counts as an
attempt: the stored hash is always the one of the latest attempt, and only the answer to the
latest attempt moves the rotation.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import (
    Conflict,
    InvalidInput,
    LaddnetError,
    NotFound,
    StationNotConnected,
    UnknownStation,
)
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.security.credentials import (
    MAX_OPEN,
    ChangeKind,
    ChangeState,
    CredentialChange,
    authorization_key,
    password_for,
)
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.stations.model import Station
from laddnet.ports import StationSecretHasher, UnitOfWork
from laddnet.services.handlers.credential_delivery import ChangeDelivery, get_change

log = logging.getLogger(__name__)  # station ids and change ids only: never a password
BULK_CONCURRENCY = 20
MAX_BULK = 10_000


@dataclass(frozen=True, slots=True)
class BulkRotation:
    batch: str
    counts: dict[str, int]  # state -> how many of its stations are in it


class PasswordRotation:
    def __init__(self, delivery: ChangeDelivery, hasher: StationSecretHasher) -> None:
        self._delivery = delivery
        self._db = delivery.db
        self._clock = delivery.clock
        self._hasher = hasher
        self._tasks: set[asyncio.Task[None]] = set()
        self._sending: set[int] = set()  # rotations this process is sending right now

    def busy(self) -> frozenset[int]:
        return frozenset(self._sending)

    async def rotate_password(
        self, station_id: StationId, actor: str, *, sites: frozenset[str] | None = None
    ) -> CredentialChange:
        """Send one station a new generated password and return the change as it stands after
        the station's answer (completed only later, when it connects with it); for a station
        that is offline, queued until it connects."""
        station = await self._delivery.station(station_id, sites)
        _check_rotatable(station)
        now = self._clock.now()

        def start(uow: UnitOfWork) -> int:
            if len(uow.credential_changes.open_of(station_id, ChangeKind.PASSWORD)) >= MAX_OPEN:
                raise Conflict(
                    f"station {station_id} has {MAX_OPEN} password rotations open already;"
                    " let one finish (it connects with its new password) first"
                )
            change = CredentialChange(
                0, station_id, ChangeKind.PASSWORD, ChangeState.SENT, actor, now, attempts=1
            )
            change_id = uow.credential_changes.add(change)
            detail = {"change_id": change_id}
            uow.audit.record(actor, "station.password_rotation", "station", station_id, detail, now)
            return change_id

        change_id = await self._db.write(start)
        return await self._send_password(station.id, change_id, 1)

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
        `progress(batch)`. A station offline now gets its rotation when it connects."""
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

    async def resend(self, station_id: StationId, change_id: int, attempt: int) -> None:
        """Send a rotation again (claimed as `attempt` by the station's login)."""
        try:
            await self._send_password(station_id, change_id, attempt, again=True)
        except LaddnetError as exc:  # storage: the change stays as it is, logged
            log.warning("rotation %d of %s: %s", change_id, station_id, type(exc).__name__)

    async def wait(self) -> None:
        """Wait for the bulk rotations under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _run_batch(self, work: list[tuple[Station, int]]) -> None:
        gate = asyncio.Semaphore(BULK_CONCURRENCY)

        async def one(station: Station, change_id: int) -> None:
            async with gate:
                try:
                    # Not if the station's login sent it first (it connected meanwhile).
                    if await self._db.write(lambda uow: uow.credential_changes.claim(change_id, 0)):
                        await self._send_password(station.id, change_id, 1)
                except LaddnetError as exc:  # storage: the change stays as it is, logged
                    log.warning("rotation %d of %s: %s", change_id, station.id, type(exc).__name__)

        await asyncio.gather(*(one(s, c) for s, c in work))

    async def _send_password(
        self, station_id: StationId, change_id: int, attempt: int, *, again: bool = False
    ) -> CredentialChange:
        self._sending.add(change_id)
        try:
            fresh = await self._db.read(lambda uow: uow.stations.get(station_id))
            if fresh is None or not fresh.connected or fresh.ocpp_version is None:
                if again:  # gone again already: it stays open for its next connection
                    detail = "station offline: not sent again"
                    return await self._delivery.answered(
                        change_id, None, detail, no_answer=True, attempt=attempt
                    )
                return await self._wait_for_connection(change_id)
            password = password_for(fresh.ocpp_version)
            hashed = self._hasher.hash_drawn(password)  # drawn: no argon2 (ADR 0009)
            # Stored before it is sent: a station that takes it at once can log in with it.
            if not await self._db.write(
                lambda uow: uow.credential_changes.set_hash(change_id, hashed, attempt)
            ):  # a later attempt began meanwhile: it sends its own
                return await self._db.read(lambda uow: get_change(uow, change_id))
            body = {"password": password, "authorization_key": authorization_key(password)}
            del password
            name = CommandName.ROTATE_PASSWORD
            return await self._delivery.deliver(station_id, change_id, name, body, attempt)
        finally:
            self._sending.discard(change_id)

    async def _wait_for_connection(self, change_id: int) -> CredentialChange:
        """The station is offline: the rotation waits, queued, and its login sends it."""
        detail = "station offline: sent when it connects"

        def requeue(uow: UnitOfWork) -> CredentialChange:
            uow.credential_changes.requeue(change_id, detail)
            return get_change(uow, change_id)

        return await self._db.write(requeue)

    async def _choose(
        self,
        station_ids: Sequence[str] | None,
        site_id: SiteId | None,
        sites: frozenset[str] | None,
    ) -> list[Station]:
        if station_ids is not None:
            if not 1 <= len(station_ids) <= MAX_BULK or len(set(station_ids)) != len(station_ids):
                raise InvalidInput(f"station_ids: 1 to {MAX_BULK} different stations")
            chosen = [await self._delivery.station(StationId(s), sites) for s in station_ids]
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
