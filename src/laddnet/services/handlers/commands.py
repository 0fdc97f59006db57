"""Commands to stations: check, translate, record, send, record the outcome, publish.

A command is recorded before it is sent (who, what, when) and its outcome after (the answer,
a CALLERROR, a timeout, or the station being offline), so the log shows every attempt. A
command some stations need prepared (a session id turned into the station's transaction id, a
reservation id allocated, ...) has a `prepare` hook; one whose answer changes Laddnet's state
(a firmware update requested, a reservation made) has an `after` hook that runs in the unit of
work recording the outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from laddnet.domain.commands.model import (
    CommandName,
    CommandOutcome,
    CommandRecord,
    CommandResult,
)
from laddnet.domain.errors import (
    InvalidInput,
    LaddnetError,
    StationDidNotAnswer,
    StationNotConnected,
    StationRejectedCall,
    UnknownSession,
    UnknownStation,
)
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, StationLink, UnitOfWork
from laddnet.services.handlers.request_ids import new_request_id


@dataclass(frozen=True, slots=True)
class Answered:
    """What an `after` hook learns: the command and how the station answered."""

    command_id: int
    station_id: str
    body: dict[str, Any]
    status: str
    response: dict[str, Any]
    at: datetime


Prepare = Callable[["CommandService", Station, dict[str, Any]], Awaitable[dict[str, Any]]]
After = Callable[[UnitOfWork, Answered], None]


@dataclass
class CommandHooks:
    prepare: dict[CommandName, Prepare] = field(default_factory=dict)
    after: dict[CommandName, After] = field(default_factory=dict)
    # Keys of a prepared body whose values are credentials (a one-time upload location): sent
    # to the station, never written to the command log.
    secret: dict[CommandName, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """One station's part of a command sent to many: a result or the error it met."""

    station_id: str
    result: CommandResult | None = None
    error: LaddnetError | None = None


MAX_BULK = 1000


class CommandService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        link: StationLink,
        *,
        call_timeout: float,
        hooks: CommandHooks | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self._link = link
        self._call_timeout = call_timeout
        self._hooks = hooks or default_hooks()

    async def send(
        self, station_id: StationId, name: CommandName, body: dict[str, Any], actor: str
    ) -> CommandResult:
        """Send one command and return the station's answer. Raises UnknownStation,
        InvalidInput (the station's version lacks it), StationNotConnected,
        StationDidNotAnswer or StationRejectedCall; each attempt is recorded."""
        station = await self.db.read(lambda uow: uow.stations.get(station_id))
        if station is None:
            raise UnknownStation(f"station {station_id!r} not found")
        if station.ocpp_version is None or station.decommissioned_at is not None:
            raise StationNotConnected(station_id)  # never booted (version unknown) or retired
        prepare = self._hooks.prepare.get(name)
        wire_body = await prepare(self, station, body) if prepare else body
        request = self._link.translate(station.ocpp_version, name, wire_body)
        hidden = {str(wire_body[k]) for k in self._hooks.secret.get(name, ()) if wire_body.get(k)}
        now = self.clock.now()

        def log_command(uow: UnitOfWork) -> int:
            command_id = uow.commands.add(
                station_id,
                name.value,
                _redacted(body, hidden),
                actor,
                now,
                ocpp_action=request.action,
                request=_redacted(request.payload, hidden),
            )
            # The audit log names the command only: a body may hold a secret.
            detail = {"command": name.value, "command_id": command_id}
            uow.audit.record(actor, "command.sent", "station", station_id, detail, now)
            return command_id

        command_id = await self.db.write(log_command)
        try:
            response = await self._link.call(station_id, request, self._call_timeout)
        except StationNotConnected:
            await self._finish(command_id, station_id, name, CommandOutcome.OFFLINE)
            raise
        except StationDidNotAnswer as exc:
            await self._finish(command_id, station_id, name, CommandOutcome.TIMEOUT, str(exc))
            raise
        except StationRejectedCall as exc:
            await self._finish(command_id, station_id, name, CommandOutcome.REJECTED, str(exc))
            raise
        except InvalidInput as exc:  # the version's schema refused what we would send
            await self._finish(command_id, station_id, name, CommandOutcome.FAILED, str(exc))
            raise
        status = self._link.status_of(request, response)
        answered = Answered(command_id, station_id, wire_body, status, response, self.clock.now())
        after = self._hooks.after.get(name)

        def record(uow: UnitOfWork) -> None:
            uow.commands.finish(
                command_id,
                CommandOutcome.ANSWERED,
                answered.at,
                status=answered.status,
                response=response,
            )
            if after is not None:
                after(uow, answered)
            answered_ = CommandOutcome.ANSWERED
            _completed(uow, answered.at, command_id, station_id, name, answered_, status)

        await self.db.write(record)
        return CommandResult(command_id, answered.status, response)

    async def send_many(
        self,
        station_ids: Sequence[StationId],
        name: CommandName,
        body: dict[str, Any],
        actor: str,
    ) -> list[BulkResult]:
        """The same command to many stations at once; a slow station holds up only itself."""
        if not 1 <= len(station_ids) <= MAX_BULK:
            raise InvalidInput(f"station_ids: give 1 to {MAX_BULK} stations")
        if len(set(station_ids)) != len(station_ids):
            raise InvalidInput("station_ids: a station appears twice")

        async def one(station_id: StationId) -> BulkResult:
            try:
                return BulkResult(station_id, await self.send(station_id, name, body, actor))
            except LaddnetError as exc:
                return BulkResult(station_id, error=exc)

        return list(await asyncio.gather(*(one(sid) for sid in station_ids)))

    async def history(
        self, station_id: StationId, *, name: str | None, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]:
        def read(uow: UnitOfWork) -> tuple[list[CommandRecord], int] | None:
            if uow.stations.get(station_id) is None:
                return None
            return uow.commands.list(station_id, name=name, limit=limit, offset=offset)

        found = await self.db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found

    async def _finish(
        self,
        command_id: int,
        station_id: str,
        name: CommandName,
        outcome: CommandOutcome,
        error: str | None = None,
    ) -> None:
        now = self.clock.now()

        def record(uow: UnitOfWork) -> None:
            uow.commands.finish(command_id, outcome, now, error=error)
            _completed(uow, now, command_id, station_id, name, outcome, None)

        await self.db.write(record)


REDACTED = "[redacted]"


def _redacted(value: Any, hidden: set[str]) -> Any:
    """`value` with every string in `hidden` replaced, at any depth."""
    if not hidden:
        return value
    if isinstance(value, str):
        return REDACTED if value in hidden else value
    if isinstance(value, dict):
        return {k: _redacted(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, hidden) for v in value]
    return value


def _completed(
    uow: UnitOfWork,
    now: datetime,
    command_id: int,
    station_id: str,
    name: CommandName,
    outcome: CommandOutcome,
    status: str | None,
) -> None:
    data: dict[str, Any] = {"command_id": command_id, "name": name.value}
    data.update(outcome=outcome.value, status=status)
    uow.outbox.add(EventType.COMMAND_COMPLETED.value, station_id, data, now)


async def _prepare_remote_stop(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    """Laddnet's session id -> the transaction id the station knows it by."""
    session_id = body["session_id"]
    session = await service.db.read(lambda uow: uow.sessions.get(session_id))
    if session is None or session.station_id != station.id:
        raise UnknownSession(f"session {session_id} not found on station {station.id}")
    if session.stopped_at is not None:
        raise InvalidInput(f"session {session_id} has already ended")
    return {**body, "transaction_id": session.transaction_ref or str(session.id)}


async def _prepare_remote_start(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    """2.0.1 needs a remoteStartId, echoed in the TransactionEvent the start causes."""
    return {**body, "remote_start_id": new_request_id()}


async def _prepare_get_configuration(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    """2.0.1 GetBaseReport needs a requestId, echoed in the NotifyReport messages."""
    return {**body, "request_id": new_request_id()}


async def _prepare_get_transaction_status(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    """Laddnet's session id (ongoing or ended) -> the transaction id the station knows."""
    session_id = body.get("session_id")
    if session_id is None:
        return body
    session = await service.db.read(lambda uow: uow.sessions.get(session_id))
    if session is None or session.station_id != station.id:
        raise UnknownSession(f"session {session_id} not found on station {station.id}")
    return {**body, "transaction_id": session.transaction_ref or str(session.id)}


def default_hooks() -> CommandHooks:
    return CommandHooks(
        prepare={
            CommandName.REMOTE_STOP: _prepare_remote_stop,
            CommandName.REMOTE_START: _prepare_remote_start,
            CommandName.GET_CONFIGURATION: _prepare_get_configuration,
            CommandName.GET_TRANSACTION_STATUS: _prepare_get_transaction_status,
        },
        # A rotated password goes to the station only: the command log shows [redacted].
        secret={CommandName.ROTATE_PASSWORD: ("password", "authorization_key")},
    )
