"""Automatic recovery, run after each timer round: the due steps of open, recoverable alerts
are claimed (one process takes each), sent through the command service (so they are in the
command log too) and their answers recorded on the alert."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from laddnet.domain.errors import LaddnetError
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.alerts import Alert
from laddnet.domain.maintenance.recovery import (
    DAY,
    RECOVERABLE,
    Attempt,
    RecoveryAction,
    command,
    next_step,
    recovery_failed,
)
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import CommandService
from laddnet.services.maintenance.tickets import ticket_for_alert

log = logging.getLogger(__name__)

ACTOR = "laddnet:recovery"


@dataclass(frozen=True, slots=True)
class _Due:
    alert: Alert
    step: int
    action: RecoveryAction


def _plan(uow: UnitOfWork, now: datetime) -> list[_Due]:
    alerts = uow.maintenance.open_alerts(kinds=sorted(RECOVERABLE))
    if not alerts:
        return []
    stations = sorted({a.key.station_id for a in alerts})
    rules = uow.maintenance.rule_set()
    sites = {s: v.site_id for s, v in uow.maintenance.stations_by_id(stations).items()}
    attempts = uow.recovery.attempts_for([a.id for a in alerts])
    today = uow.recovery.attempts_since(stations, now - DAY)
    charging = uow.recovery.charging(stations)
    due: list[_Due] = []
    for alert in alerts:
        sid = alert.key.station_id
        if any(d.alert.key.station_id == sid for d in due):
            continue  # one reset per station and round: it resets every connector
        step = next_step(
            alert,
            attempts[alert.id],
            rules.for_site(sites.get(sid)),
            now,
            charging=sid in charging,
            attempts_today=today.get(sid, 0),
        )
        if step is not None:
            due.append(_Due(alert, *step))
    return due


class RecoveryRunner:
    def __init__(self, db: Database, clock: Clock, commands: CommandService) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands

    async def run_due(self) -> int:
        """Take every step that is due; how many were taken."""
        now = self._clock.now()
        taken = 0
        for due in await self._db.read(lambda uow: _plan(uow, now)):
            sid = due.alert.key.station_id
            attempt = Attempt(due.alert.id, due.step, due.action, now)
            if not await self._db.write(partial(_claim, station_id=sid, attempt=attempt)):
                continue
            name, body = command(due.action, due.alert)
            command_id, status, error = None, None, None
            try:
                result = await self._commands.send(StationId(sid), name, body, ACTOR)
                command_id, status = result.command_id, result.status
            except LaddnetError as exc:  # offline, no answer, refused: recorded on the alert
                error = f"{type(exc).__name__}: {exc}"
            log.info(
                "recovery: %s %s for alert %d: %s", sid, due.action, due.alert.id, status or error
            )
            answer = partial(_answered, due=due, command_id=command_id, status=status, error=error)
            await self._db.write(answer)
            taken += 1
        failed = await self._db.read(lambda uow: _failed(uow, now))
        if failed:
            await self._db.write(partial(_ticket, alerts=failed, now=now))
        return taken


def _failed(uow: UnitOfWork, now: datetime) -> list[Alert]:
    """Open recoverable alerts without a ticket whose automatic recovery has failed."""
    alerts = [
        a
        for a in uow.maintenance.open_alerts(kinds=sorted(RECOVERABLE))
        if not uow.tickets.tickets_of_alert(a.id)
    ]
    if not alerts:
        return []
    stations = sorted({a.key.station_id for a in alerts})
    rules = uow.maintenance.rule_set()
    sites = {s: v.site_id for s, v in uow.maintenance.stations_by_id(stations).items()}
    attempts = uow.recovery.attempts_for([a.id for a in alerts])
    today = uow.recovery.attempts_since(stations, now - DAY)
    out = []
    for alert in alerts:
        sid = alert.key.station_id
        site_rules = rules.for_site(sites.get(sid))
        if site_rules.open_tickets and recovery_failed(
            alert, attempts[alert.id], site_rules, now, attempts_today=today.get(sid, 0)
        ):
            out.append(alert)
    return out


def _ticket(uow: UnitOfWork, *, alerts: list[Alert], now: datetime) -> None:
    for alert in alerts:
        if not uow.tickets.tickets_of_alert(alert.id):  # another process may have been first
            ticket_for_alert(uow, alert, now)


def _claim(uow: UnitOfWork, *, station_id: str, attempt: Attempt) -> bool:
    return uow.recovery.claim(station_id, attempt)


def _answered(
    uow: UnitOfWork, *, due: _Due, command_id: int | None, status: str | None, error: str | None
) -> None:
    uow.recovery.answered(due.alert.id, due.step, command_id, status, error)
