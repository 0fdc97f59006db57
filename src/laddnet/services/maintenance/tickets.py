"""Maintenance tickets: from alerts (one per station and cause, resolved by itself when all
its alerts have cleared), by hand, and from drivers' problem reports (rate-limited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from laddnet.domain.errors import Conflict, NotFound, UnknownStation
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.alerts import Alert
from laddnet.domain.maintenance.limits import RateLimit
from laddnet.domain.maintenance.tickets import (
    ACTIVE,
    MANUAL,
    PROBLEM_REPORT,
    Priority,
    Ticket,
    TicketSource,
    TicketStatus,
    check_text,
    check_transition,
    priority_for,
)
from laddnet.ports import Clock, Database, UnitOfWork

SYSTEM = "laddnet"
_STAMP = {
    TicketStatus.ACKNOWLEDGED: "acknowledged_at",
    TicketStatus.RESOLVED: "resolved_at",
    TicketStatus.CLOSED: "closed_at",
}


class UnknownTicket(NotFound):
    pass


class TooManyReports(Conflict):
    """A driver's report beyond the rate limit (the API answers 429)."""


def _published(uow: UnitOfWork, ticket_id: int, change: str, now: datetime) -> None:
    ticket = uow.tickets.get(ticket_id)
    if ticket is None:
        return
    data = {
        "id": ticket.id,
        "change": change,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "assignee": ticket.assignee,
        "cause": ticket.cause,
        "source": ticket.source.value,
        "site_id": ticket.site_id,
    }
    uow.outbox.add(EventType.TICKET_CHANGED.value, ticket.station_id, data, now)


def _new(
    uow: UnitOfWork,
    *,
    station_id: str,
    site_id: str | None,
    cause: str,
    source: TicketSource,
    title: str,
    description: str,
    priority: Priority,
    assignee: str | None,
    actor: str,
    now: datetime,
) -> int | None:
    values: dict[str, Any] = {
        "station_id": station_id,
        "site_id": site_id,
        "cause": cause,
        "source": source.value,
        "title": title,
        "description": description,
        "status": TicketStatus.OPEN.value,
        "priority": priority.value,
        "assignee": assignee,
        "created_by": actor,
        "created_at": now,
        "updated_at": now,
    }
    ticket_id = uow.tickets.add(values, unique_active=source is not TicketSource.MANUAL)
    if ticket_id is not None:
        uow.tickets.add_entry(ticket_id, "status", f"opened ({source.value})", actor, now)
        _published(uow, ticket_id, "opened", now)
    return ticket_id


def ticket_for_alert(uow: UnitOfWork, alert: Alert, now: datetime) -> None:
    """Link a newly opened alert to the station's active ticket for its cause, or open one."""
    key = alert.key
    active = uow.tickets.active_for(key.station_id, key.kind.value)
    ticket_id = active.id if active is not None else None
    if ticket_id is None:
        where = f" (EVSE {key.evse_id}, connector {key.connector_id})" if key.evse_id else ""
        ticket_id = _new(
            uow,
            station_id=key.station_id,
            site_id=alert.site_id,
            cause=key.kind.value,
            source=TicketSource.ALERT,
            title=f"{key.station_id}: {key.kind.value.replace('_', ' ')}{where}",
            description=f"Opened by alert {alert.id}: {alert.details}",
            priority=priority_for(key.kind, alert.severity),
            assignee=None,
            actor=SYSTEM,
            now=now,
        )
        if ticket_id is None:  # another process opened it a moment ago
            found = uow.tickets.active_for(key.station_id, key.kind.value)
            ticket_id = found.id if found else None
    if ticket_id is not None:
        uow.tickets.link_alert(ticket_id, alert.id)
        uow.tickets.add_entry(ticket_id, "alert", f"alert {alert.id} opened", SYSTEM, now)


def after_alert_closed(
    uow: UnitOfWork, alert: Alert, reason: str, now: datetime, *, resolve: bool
) -> None:
    """Note the closed alert on its tickets; with `resolve` (the cause cleared, rather than
    maintenance mode silencing it), resolve those whose linked alerts are all closed."""
    for ticket_id in uow.tickets.tickets_of_alert(alert.id):
        uow.tickets.add_entry(ticket_id, "alert", f"alert {alert.id} closed: {reason}", SYSTEM, now)
        ticket = uow.tickets.get(ticket_id)
        if not resolve or ticket is None or ticket.status not in ACTIVE:
            continue
        if uow.tickets.open_alerts_linked(ticket_id) == 0:
            _move(uow, ticket, TicketStatus.RESOLVED, SYSTEM, now, "every linked alert cleared")


def _move(
    uow: UnitOfWork, ticket: Ticket, target: TicketStatus, actor: str, now: datetime, why: str
) -> None:
    check_transition(ticket.status, target)
    active = target in ACTIVE
    if active and ticket.status not in ACTIVE and not uow.tickets.set_active(ticket.id, True):
        raise Conflict(f"another ticket is active for {ticket.station_id} and {ticket.cause}")
    if not active:
        uow.tickets.set_active(ticket.id, False)
    values: dict[str, Any] = {"status": target.value, "updated_at": now}
    if target in _STAMP:
        values[_STAMP[target]] = now
    if ticket.acknowledged_at is None and actor != SYSTEM and target is not TicketStatus.OPEN:
        values["acknowledged_at"] = now  # the first step a person took: its response time
    uow.tickets.update(ticket.id, values)
    text = f"{ticket.status.value} -> {target.value}" + (f": {why}" if why else "")
    uow.tickets.add_entry(ticket.id, "status", text, actor, now)
    _published(uow, ticket.id, target.value, now)


@dataclass(frozen=True, slots=True)
class TicketPatch:
    status: TicketStatus | None = None
    priority: Priority | None = None
    assignee: str | None = None
    assignee_given: bool = False  # assignee None with this set: unassign
    note: str | None = None


class TicketService:
    def __init__(self, db: Database, clock: Clock, *, reports_per_hour: int = 5) -> None:
        self._db = db
        self._clock = clock
        # Per client address and per station: a flood from one place, or about one station,
        # is refused with 429 while real reports from elsewhere still come through.
        self._per_client = RateLimit(reports_per_hour, timedelta(hours=1))
        self._per_station = RateLimit(reports_per_hour * 4, timedelta(hours=1))

    async def find(self, **filters: Any) -> tuple[list[Ticket], int]:
        return await self._db.read(lambda uow: uow.tickets.find(**filters))

    async def get(self, ticket_id: int) -> Ticket:
        found = await self._db.read(lambda uow: uow.tickets.get(ticket_id))
        if found is None:
            raise UnknownTicket(f"ticket {ticket_id} not found")
        return found

    async def open(
        self,
        station_id: str,
        title: str,
        description: str,
        priority: Priority,
        assignee: str | None,
        actor: str,
    ) -> Ticket:
        title = check_text("title", title, 200)
        now = self._clock.now()

        def create(uow: UnitOfWork) -> Ticket | None:
            station = uow.stations.get(StationId(station_id))
            if station is None:
                raise UnknownStation(f"station {station_id!r} not found")
            ticket_id = _new(
                uow,
                station_id=station_id,
                site_id=station.site_id,
                cause=MANUAL,
                source=TicketSource.MANUAL,
                title=title,
                description=description,
                priority=priority,
                assignee=assignee,
                actor=actor,
                now=now,
            )
            detail = {"ticket_id": ticket_id, "title": title}
            uow.audit.record(actor, "ticket.opened", "station", station_id, detail, now)
            return uow.tickets.get(ticket_id) if ticket_id is not None else None

        ticket = await self._db.write(create)
        assert ticket is not None  # a manual ticket is never refused as a duplicate
        return ticket

    async def change(self, ticket_id: int, patch: TicketPatch, actor: str) -> Ticket:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> Ticket | None:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None:
                raise UnknownTicket(f"ticket {ticket_id} not found")
            if patch.note is not None:
                uow.tickets.add_entry(
                    ticket_id, "note", check_text("note", patch.note, 4000), actor, now
                )
            if patch.priority is not None and patch.priority is not ticket.priority:
                uow.tickets.update(ticket_id, {"priority": patch.priority.value, "updated_at": now})
                uow.tickets.add_entry(ticket_id, "priority", patch.priority.value, actor, now)
            if patch.assignee_given and patch.assignee != ticket.assignee:
                uow.tickets.update(ticket_id, {"assignee": patch.assignee, "updated_at": now})
                uow.tickets.add_entry(
                    ticket_id, "assigned", patch.assignee or "(nobody)", actor, now
                )
                _published(uow, ticket_id, "assigned", now)
            if patch.status is not None:
                _move(uow, ticket, patch.status, actor, now, "")
            uow.audit.record(actor, "ticket.changed", "ticket", str(ticket_id), _audit(patch), now)
            return uow.tickets.get(ticket_id)

        changed = await self._db.write(apply)
        assert changed is not None
        return changed

    async def problem_report(
        self, station_id: str, description: str, evse_id: int | None, client: str
    ) -> int:
        """A driver's report: a note on the station's active problem-report ticket, or a new
        one. TooManyReports beyond the rate limit. The ticket id."""
        description = check_text("description", description, 2000)
        now = self._clock.now()
        if not self._per_client.allow(client, now) or not self._per_station.allow(station_id, now):
            raise TooManyReports("too many problem reports; try again later")
        where = f" at EVSE {evse_id}" if evse_id else ""

        def report(uow: UnitOfWork) -> int:
            station = uow.stations.get(StationId(station_id))
            if station is None or station.decommissioned_at is not None:
                raise UnknownStation(f"station {station_id!r} not found")
            active = uow.tickets.active_for(station_id, PROBLEM_REPORT)
            ticket_id = active.id if active else None
            if ticket_id is None:
                ticket_id = _new(
                    uow,
                    station_id=station_id,
                    site_id=station.site_id,
                    cause=PROBLEM_REPORT,
                    source=TicketSource.DRIVER,
                    title=f"{station_id}: a driver reports a problem{where}",
                    description=description,
                    priority=Priority.NORMAL,
                    assignee=None,
                    actor="driver",
                    now=now,
                )
            if ticket_id is None:
                found = uow.tickets.active_for(station_id, PROBLEM_REPORT)
                assert found is not None
                ticket_id = found.id
            uow.tickets.add_entry(ticket_id, "note", f"driver{where}: {description}", "driver", now)
            return ticket_id

        return await self._db.write(report)


def _audit(patch: TicketPatch) -> dict[str, Any]:
    return {
        "status": patch.status.value if patch.status else None,
        "priority": patch.priority.value if patch.priority else None,
        "assignee": patch.assignee if patch.assignee_given else None,
        "note": patch.note is not None,
    }
