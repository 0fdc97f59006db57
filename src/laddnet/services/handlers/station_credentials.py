"""Credentials of running stations changed over OCPP: password rotation (one station or many,
with progress; password_rotation.py), security profile upgrades (profile_upgrade.py) and
certificate renewal ahead of expiry (certificate_renewal.py), behind one service; and what
happens when a station connects (here).

The new credential is in force only once the station has answered Accepted *and* connected with
it (domain/security/credentials.py); until then its old credential keeps working, so a station
that never confirms, or loses its connection half-way, is never locked out. A rotation it never
answered is sent again when it connects with its old password, a bounded number of times.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import (
    ACCEPTS_LOGIN,
    MAX_ATTEMPTS,
    ChangeKind,
    ChangeState,
    CredentialChange,
    after_connect,
    to_resend,
)
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ports import Clock, Database, StationSecretHasher, UnitOfWork
from laddnet.services.handlers.certificate_renewal import CertificateRenewal, RenewalCheck
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.credential_delivery import ChangeDelivery, complete, failed_event
from laddnet.services.handlers.password_rotation import BulkRotation, PasswordRotation
from laddnet.services.handlers.profile_upgrade import ProfileUpgrade

log = logging.getLogger(__name__)  # station ids and change ids only: never a password


class StationCredentialService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        commands: CommandService,
        hasher: StationSecretHasher,
        *,
        renewal_window: timedelta = timedelta(days=30),
        alert_window: timedelta = timedelta(days=7),
        renewal_retry: timedelta = timedelta(hours=24),
    ) -> None:
        self._db = db
        self._clock = clock
        delivery = ChangeDelivery(db, clock, commands)
        self.rotation = PasswordRotation(delivery, hasher)
        self.upgrade = ProfileUpgrade(delivery)
        self.renewal = CertificateRenewal(
            db,
            clock,
            commands,
            renewal_window=renewal_window,
            alert_window=alert_window,
            renewal_retry=renewal_retry,
        )
        self.rotate_password = self.rotation.rotate_password
        self.rotate_many = self.rotation.rotate_many
        self.progress = self.rotation.progress
        self.wait = self.rotation.wait  # the bulk rotations under way (tests, shutdown)
        self.aclose = self.rotation.wait
        self.upgrade_profile = self.upgrade.upgrade_profile
        self.run_renewals = self.renewal.run_renewals
        self.check_renewals = self.renewal.check_renewals

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
        """Rotations and profile upgrades, newest first, and how many match."""
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

    async def on_login(
        self, station_id: StationId, rotation_id: int | None, transport: SecurityProfile
    ) -> None:
        """A station connected: with a rotation's new password (`rotation_id`) and over the
        `transport` profile. Completes what the station has now both confirmed and used, and
        sends again the newest rotation it never answered (once per connection, at most
        MAX_ATTEMPTS times in all: at the connection after the last one, the rotation fails)."""
        now = self._clock.now()
        busy = self.rotation.busy()
        try:
            if rotation_id is None:  # the common case: one read, no write (reconnect storms)
                changes = await self._db.read(
                    lambda uow: uow.credential_changes.open_of(station_id, None)
                )
                upgrading = any(c.kind is ChangeKind.SECURITY_PROFILE for c in changes)
                if not upgrading and to_resend(changes, None, busy) is None:
                    return
            claimed = await self._db.write(
                lambda uow: _record_login(uow, station_id, rotation_id, transport, busy, now)
            )
        except StorageUnavailable:
            log.warning("could not record %s's login for its credential changes", station_id)
            return
        if claimed is not None:
            await self.rotation.resend(station_id, *claimed)


def _record_login(
    uow: UnitOfWork,
    station_id: StationId,
    rotation_id: int | None,
    transport: SecurityProfile,
    busy: frozenset[int],
    now: datetime,
) -> tuple[int, int] | None:
    """Record a login; the rotation to send again and its attempt number, if there is one."""
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
            complete(uow, change, now)
        uow.credential_changes.update(change.id, state, connected_at=now)
    passwords = uow.credential_changes.open_of(station_id, ChangeKind.PASSWORD)
    again = to_resend(passwords, rotation_id, busy)
    if again is None:
        return None
    if again.attempts >= MAX_ATTEMPTS:  # it connects with its old password still: give up
        detail = f"no answer after {again.attempts} attempts"
        uow.credential_changes.update(again.id, ChangeState.FAILED, detail=detail)
        failed_event(uow, again, detail, now)
        return None
    if not uow.credential_changes.claim(again.id, again.attempts):
        return None  # another sender took it meanwhile
    return again.id, again.attempts + 1


__all__ = ["BulkRotation", "RenewalCheck", "StationCredentialService"]
