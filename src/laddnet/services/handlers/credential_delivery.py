"""What password rotation and security profile upgrade share: sending the command that
carries a change, moving the change by the station's answer, and putting it in force.

A generated password exists in clear only on its way to the station: stored as a hash,
redacted in the command log, never in the audit log, a security event or a log line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import (
    LaddnetError,
    StationDidNotAnswer,
    StationNotConnected,
    UnknownStation,
)
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import (
    ACCEPTS_LOGIN,
    ChangeKind,
    ChangeState,
    CredentialChange,
    after_answer,
)
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import CommandService

ACTOR = "laddnet"


class ChangeDelivery:
    """Sends a change's command and records the answer (one per service, shared)."""

    def __init__(self, db: Database, clock: Clock, commands: CommandService) -> None:
        self.db = db
        self.clock = clock
        self.commands = commands

    async def station(self, station_id: StationId, sites: frozenset[str] | None) -> Station:
        station = await self.db.read(lambda uow: uow.stations.get(station_id))
        if station is None or station.decommissioned_at is not None:
            raise UnknownStation(f"station {station_id!r} not found")
        if sites is not None and station.site_id not in sites:
            raise UnknownStation(f"station {station_id!r} not found")
        return station

    async def deliver(
        self,
        station_id: StationId,
        change_id: int,
        name: CommandName,
        body: dict[str, Any],
        attempt: int | None = None,
    ) -> CredentialChange:
        """Send the command carrying a change and move the change by the answer (`attempt`:
        which sending of a password rotation this is; the answer to an earlier one is moot)."""
        try:
            result = await self.commands.send(station_id, name, body, ACTOR)
        except (StationDidNotAnswer, StationNotConnected) as exc:
            # Not connected: it was a moment ago, the connection may have been lost half-way.
            lost = isinstance(exc, StationNotConnected)
            detail = "connection lost" if lost else "no answer"
            return await self.answered(change_id, None, detail, no_answer=True, attempt=attempt)
        except LaddnetError as exc:
            return await self.fail(change_id, station_id, f"refused: {exc}"[:200])
        return await self.answered(
            change_id,
            result.status,
            f"station answered {result.status}",
            command=result.command_id,
            attempt=attempt,
        )

    async def answered(
        self,
        change_id: int,
        status: str | None,
        detail: str,
        *,
        no_answer: bool = False,
        command: int | None = None,
        attempt: int | None = None,
    ) -> CredentialChange:
        now = self.clock.now()

        def record(uow: UnitOfWork) -> CredentialChange:
            change = get_change(uow, change_id)
            if change.state not in ACCEPTS_LOGIN:  # completed or superseded meanwhile
                return change
            if attempt is not None and change.attempts != attempt:  # sent again since
                return change
            state = after_answer(
                status, connected=change.connected_at is not None, no_answer=no_answer
            )
            answered = now if status is not None else None
            if state is ChangeState.COMPLETED:  # first: it takes the new hash over
                complete(uow, change, now)
            uow.credential_changes.update(
                change_id, state, answered_at=answered, detail=detail, command_id=command
            )
            if state is ChangeState.FAILED:
                failed_event(uow, change, detail, now)
            return get_change(uow, change_id)

        return await self.db.write(record)

    async def fail(self, change_id: int, station_id: str, detail: str) -> CredentialChange:
        now = self.clock.now()

        def record(uow: UnitOfWork) -> CredentialChange:
            change = get_change(uow, change_id)
            uow.credential_changes.update(change_id, ChangeState.FAILED, detail=detail)
            failed_event(uow, change, detail, now)
            return get_change(uow, change_id)

        return await self.db.write(record)


def get_change(uow: UnitOfWork, change_id: int) -> CredentialChange:
    change = uow.credential_changes.get(change_id)
    assert change is not None, change_id
    return change


def complete(uow: UnitOfWork, change: CredentialChange, now: datetime) -> None:
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


def failed_event(uow: UnitOfWork, change: CredentialChange, detail: str, now: datetime) -> None:
    what = "password rotation" if change.kind is ChangeKind.PASSWORD else "profile upgrade"
    text = f"{what} {change.id} failed ({detail}); the old credential stays"
    kind = SecurityEventKind.CREDENTIAL_CHANGE_FAILED
    uow.events.security(kind, change.station_id, text, None, now)
