"""Maintenance tickets, their linked alerts and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables import sites
from laddnet.adapters.db.tables.maintenance import alerts, ticket_alerts, ticket_history, tickets
from laddnet.domain.maintenance.tickets import (
    Priority,
    Ticket,
    TicketEntry,
    TicketSource,
    TicketStatus,
)

ACTIVE_MARK = 1


def _ticket(
    r: Any, alert_ids: tuple[int, ...] = (), history: tuple[TicketEntry, ...] = ()
) -> Ticket:
    return Ticket(
        id=r.id,
        station_id=r.station_id,
        site_id=r.site_id,
        cause=r.cause,
        source=TicketSource(r.source),
        title=r.title,
        description=r.description,
        status=TicketStatus(r.status),
        priority=Priority(r.priority),
        assignee=r.assignee,
        created_by=r.created_by,
        created_at=r.created_at,
        updated_at=r.updated_at,
        acknowledged_at=r.acknowledged_at,
        resolved_at=r.resolved_at,
        closed_at=r.closed_at,
        alert_ids=alert_ids,
        history=history,
    )


class SqlTickets:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, values: dict[str, Any], *, unique_active: bool) -> int | None:
        """Insert a ticket; with `unique_active`, None if one is active for its station and
        cause already."""
        row = {**values, "open_marker": ACTIVE_MARK if unique_active else None}
        stmt = insert_ignoring_duplicates(self._conn, tickets).values(row).returning(tickets.c.id)
        found = self._conn.execute(stmt).first()
        return int(found.id) if found is not None else None

    def active_for(self, station_id: str, cause: str) -> Ticket | None:
        row = self._conn.execute(
            select(tickets)
            .where(tickets.c.station_id == station_id)
            .where(tickets.c.cause == cause)
            .where(tickets.c.open_marker == ACTIVE_MARK)
        ).first()
        return _ticket(row) if row is not None else None

    def get(self, ticket_id: int) -> Ticket | None:
        row = self._conn.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
        if row is None:
            return None
        linked = self._conn.execute(
            select(ticket_alerts.c.alert_id)
            .where(ticket_alerts.c.ticket_id == ticket_id)
            .order_by(ticket_alerts.c.alert_id)
        )
        entries = self._conn.execute(
            select(ticket_history)
            .where(ticket_history.c.ticket_id == ticket_id)
            .order_by(ticket_history.c.id)
        )
        history = tuple(TicketEntry(e.kind, e.text, e.actor, e.at) for e in entries)
        return _ticket(row, tuple(int(a.alert_id) for a in linked), history)

    def find(
        self,
        *,
        status: str | None,
        station_id: str | None,
        site_id: str | None,
        assignee: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Ticket], int]:
        cond: ColumnElement[bool] = tickets.c.id.is_not(None)
        for column, value in (
            (tickets.c.status, status),
            (tickets.c.station_id, station_id),
            (tickets.c.site_id, site_id),
            (tickets.c.assignee, assignee),
        ):
            if value is not None:
                cond = cond & (column == value)
        total = self._conn.execute(select(func.count()).select_from(tickets).where(cond))
        rows = self._conn.execute(
            select(tickets).where(cond).order_by(tickets.c.id.desc()).limit(limit).offset(offset)
        )
        return [_ticket(r) for r in rows], int(total.scalar_one())

    def opened_between(
        self, start: datetime, end: datetime, site_id: str | None
    ) -> tuple[list[Ticket], dict[str | None, str]]:
        """Tickets opened in [start, end) (of one site), and each site's time zone."""
        stmt = select(tickets).where(tickets.c.created_at >= start, tickets.c.created_at < end)
        if site_id is not None:
            stmt = stmt.where(tickets.c.site_id == site_id)
        found = [_ticket(r) for r in self._conn.execute(stmt.order_by(tickets.c.id))]
        zones: dict[str | None, str] = {
            r.id: r.time_zone for r in self._conn.execute(select(sites.c.id, sites.c.time_zone))
        }
        return found, zones

    def update(self, ticket_id: int, values: dict[str, Any]) -> None:
        self._conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(values))

    def set_active(self, ticket_id: int, active: bool) -> bool:
        """Mark the ticket active (one per station and cause) or not; False if another ticket
        is active for its station and cause."""
        ticket = self._conn.execute(
            select(tickets.c.station_id, tickets.c.cause, tickets.c.source).where(
                tickets.c.id == ticket_id
            )
        ).one()
        if ticket.source == TicketSource.MANUAL.value:
            return True
        if active:
            other = self.active_for(ticket.station_id, ticket.cause)
            if other is not None and other.id != ticket_id:
                return False
        self.update(ticket_id, {"open_marker": ACTIVE_MARK if active else None})
        return True

    def link_alert(self, ticket_id: int, alert_id: int) -> None:
        values = {"ticket_id": ticket_id, "alert_id": alert_id}
        self._conn.execute(insert_ignoring_duplicates(self._conn, ticket_alerts).values(values))

    def tickets_of_alert(self, alert_id: int) -> list[int]:
        rows = self._conn.execute(
            select(ticket_alerts.c.ticket_id).where(ticket_alerts.c.alert_id == alert_id)
        )
        return [int(r.ticket_id) for r in rows]

    def open_alerts_linked(self, ticket_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(ticket_alerts.join(alerts, alerts.c.id == ticket_alerts.c.alert_id))
            .where(ticket_alerts.c.ticket_id == ticket_id)
            .where(alerts.c.open_marker.is_not(None))
        )
        return int(self._conn.execute(stmt).scalar_one())

    def add_entry(self, ticket_id: int, kind: str, text: str, actor: str, at: datetime) -> None:
        values = {"ticket_id": ticket_id, "kind": kind, "text": text, "actor": actor, "at": at}
        self._conn.execute(insert(ticket_history).values(values))
