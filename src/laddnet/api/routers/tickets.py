"""Maintenance tickets. Any key reads; changes need a writer key (the role checks of this
router are its `WriterDep` parameters, nothing else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from laddnet.api.deps import ContainerDep, PageDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import RowId
from laddnet.api.schemas.tickets import TicketCreate, TicketOut, TicketPage, TicketUpdate
from laddnet.domain.maintenance.tickets import TicketStatus
from laddnet.services.maintenance.tickets import TicketPatch

router = APIRouter(prefix="/tickets", tags=["maintenance"])


@router.get("", summary="Tickets, newest first")
async def list_tickets(
    container: ContainerDep,
    page: PageDep,
    status: Annotated[TicketStatus | None, Query()] = None,
    station_id: Annotated[str | None, Query()] = None,
    site_id: Annotated[str | None, Query()] = None,
    assignee: Annotated[str | None, Query()] = None,
) -> TicketPage:
    found, total = await container.maintenance.tickets.find(
        status=status.value if status else None,
        station_id=station_id,
        site_id=site_id,
        assignee=assignee,
        limit=page.limit,
        offset=page.offset,
    )
    items = [TicketOut.from_domain(t) for t in found]
    return TicketPage(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/{ticket_id}", summary="One ticket with its alerts and history", responses=NOT_FOUND_RESPONSE
)
async def get_ticket(ticket_id: RowId, container: ContainerDep) -> TicketOut:
    return TicketOut.from_domain(await container.maintenance.tickets.get(ticket_id))


@router.post(
    "",
    status_code=201,
    summary="Open a ticket by hand",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def create_ticket(
    body: TicketCreate, container: ContainerDep, writer: WriterDep
) -> TicketOut:
    ticket = await container.maintenance.tickets.open(
        body.station_id, body.title, body.description, body.priority, body.assignee, writer.actor
    )
    return TicketOut.from_domain(ticket)


@router.patch(
    "/{ticket_id}",
    summary="Move a ticket on (acknowledge, start, resolve, close, reopen), assign it, add a note",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def update_ticket(
    ticket_id: RowId, body: TicketUpdate, container: ContainerDep, writer: WriterDep
) -> TicketOut:
    patch = TicketPatch(
        status=body.status,
        priority=body.priority,
        assignee=body.assignee,
        assignee_given="assignee" in body.model_fields_set,
        note=body.note,
    )
    return TicketOut.from_domain(
        await container.maintenance.tickets.change(ticket_id, patch, writer.actor)
    )
