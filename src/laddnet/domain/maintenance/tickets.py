"""Maintenance tickets: the workflow, priorities, and which ticket an alert or a driver's
problem report goes to.

    open -> acknowledged -> in_progress -> resolved -> closed
      \\_____________\\______________\\____/     |         |
                                            +-- reopen --+   (back to open)

Any active state (open, acknowledged, in_progress) may go straight to resolved or closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from laddnet.domain.errors import Conflict, InvalidInput
from laddnet.domain.maintenance.alerts import AlertKind, Severity


class TicketStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketSource(StrEnum):
    ALERT = "alert"
    MANUAL = "manual"
    DRIVER = "driver"


S = TicketStatus
ACTIVE = frozenset({S.OPEN, S.ACKNOWLEDGED, S.IN_PROGRESS})
_NEXT: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.OPEN: frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.CLOSED}),
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN}),
    S.CLOSED: frozenset({S.OPEN}),
}

PROBLEM_REPORT = "problem_report"  # the cause of tickets from drivers' reports
MANUAL = "manual"


def check_transition(current: TicketStatus, target: TicketStatus) -> None:
    """Conflict if the workflow has no step from `current` to `target`."""
    if target is current:
        raise Conflict(f"the ticket is {current.value} already")
    if target not in _NEXT[current]:
        allowed = ", ".join(sorted(s.value for s in _NEXT[current]))
        raise Conflict(f"a {current.value} ticket can become {allowed}, not {target.value}")


def priority_for(kind: AlertKind, severity: Severity) -> Priority:
    return Priority.HIGH if severity is Severity.CRITICAL else Priority.NORMAL


def check_text(name: str, value: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"{name}: must not be empty")
    if len(text) > limit:
        raise InvalidInput(f"{name}: at most {limit} characters")
    return text


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """One line of a ticket's history: a note, a status change, an assignment, a link."""

    kind: str  # note | status | assigned | priority | alert
    text: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    station_id: str
    site_id: str | None
    cause: str  # an alert kind, problem_report, or manual
    source: TicketSource
    title: str
    description: str
    status: TicketStatus
    priority: Priority
    assignee: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    alert_ids: tuple[int, ...] = ()
    history: tuple[TicketEntry, ...] = ()
