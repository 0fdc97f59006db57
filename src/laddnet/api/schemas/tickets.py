"""Maintenance tickets and drivers' problem reports on the wire."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.params import INT32_MAX
from laddnet.api.schemas import UtcDateTime
from laddnet.domain.maintenance.tickets import (
    Priority,
    Ticket,
    TicketEntry,
    TicketSource,
    TicketStatus,
)


class TicketEntryOut(BaseModel):
    kind: str = Field(description="note, status, assigned, priority or alert")
    text: str
    actor: str
    at: UtcDateTime

    @classmethod
    def from_domain(cls, e: TicketEntry) -> TicketEntryOut:
        return cls(kind=e.kind, text=e.text, actor=e.actor, at=e.at)


class TicketOut(BaseModel):
    id: int
    station_id: str
    site_id: str | None
    cause: str = Field(description="An alert kind, problem_report or manual")
    source: TicketSource
    title: str
    description: str
    status: TicketStatus
    priority: Priority
    assignee: str | None
    created_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    acknowledged_at: UtcDateTime | None
    resolved_at: UtcDateTime | None
    closed_at: UtcDateTime | None
    alert_ids: list[int] = Field(description="The alerts linked to it (in one ticket's view)")
    history: list[TicketEntryOut] = Field(description="Notes and changes, oldest first")

    @classmethod
    def from_domain(cls, t: Ticket) -> TicketOut:
        return cls(
            id=t.id,
            station_id=t.station_id,
            site_id=t.site_id,
            cause=t.cause,
            source=t.source,
            title=t.title,
            description=t.description,
            status=t.status,
            priority=t.priority,
            assignee=t.assignee,
            created_by=t.created_by,
            created_at=t.created_at,
            updated_at=t.updated_at,
            acknowledged_at=t.acknowledged_at,
            resolved_at=t.resolved_at,
            closed_at=t.closed_at,
            alert_ids=list(t.alert_ids),
            history=[TicketEntryOut.from_domain(e) for e in t.history],
        )


class TicketPage(BaseModel):
    items: list[TicketOut]
    total: int
    limit: int
    offset: int


class TicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    station_id: str = Field(min_length=1, max_length=48)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    priority: Priority = Priority.NORMAL
    assignee: str | None = Field(None, max_length=100)


class TicketUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: TicketStatus | None = Field(
        None, description="The next step of the workflow; open again reopens it"
    )
    priority: Priority | None = None
    assignee: str | None = Field(None, max_length=100, description="null unassigns")
    note: str | None = Field(None, max_length=4000, description="Adds a note to the history")


class ProblemReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=2000, description="What went wrong")
    evse_id: int | None = Field(
        None, ge=1, le=INT32_MAX, description="The charging point, if known"
    )


class ProblemReportAnswer(BaseModel):
    ticket_id: int = Field(description="The ticket the report went to")
