"""`laddnet ticket list|show|assign|resolve`: maintenance tickets, straight from the database
(changes are audited with actor "cli")."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from laddnet.domain.maintenance.tickets import Ticket

CLI_ACTOR = "cli"


def register(sub: Any) -> None:
    ticket = sub.add_parser("ticket", help="maintenance tickets").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = ticket.add_parser("list", help="tickets, newest first")
    p.add_argument(
        "--status", choices=["open", "acknowledged", "in_progress", "resolved", "closed"]
    )
    p.add_argument("--station", help="one station's tickets")
    p.add_argument("--assignee")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(command=cmd_ticket_list)
    p = ticket.add_parser("show", help="one ticket with its alerts and history")
    p.add_argument("ticket_id", type=int)
    p.set_defaults(command=cmd_ticket_show)
    p = ticket.add_parser("assign", help="give a ticket to someone (and acknowledge it)")
    p.add_argument("ticket_id", type=int)
    p.add_argument("assignee", help="who works on it; '' unassigns")
    p.add_argument("--note")
    p.set_defaults(command=cmd_ticket_assign)
    p = ticket.add_parser("resolve", help="mark a ticket resolved")
    p.add_argument("ticket_id", type=int)
    p.add_argument("--note", help="what was done")
    p.set_defaults(command=cmd_ticket_resolve)


async def cmd_ticket_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        found, total = await container.maintenance.tickets.find(
            status=args.status,
            station_id=args.station,
            site_id=None,
            assignee=args.assignee,
            limit=args.limit,
            offset=0,
        )
    finally:
        await container.aclose()
    print(format_ticket_table(found))
    print(f"{total} tickets")
    return 0


def format_ticket_table(tickets: Sequence[Ticket]) -> str:
    lines = [
        f"{'ID':>6} {'STATUS':<13} {'PRIORITY':<8} {'STATION':<20} {'ASSIGNEE':<16} "
        f"{'OPENED':<20} TITLE"
    ]
    for t in tickets:
        opened = t.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(
            f"{t.id:>6} {t.status.value:<13} {t.priority.value:<8} {t.station_id:<20} "
            f"{t.assignee or '-':<16} {opened:<20} {t.title}"
        )
    return "\n".join(lines)


def format_ticket(t: Ticket) -> str:
    lines = [
        f"ticket {t.id}: {t.title}",
        f"  station {t.station_id} (site {t.site_id or '-'}), cause {t.cause},"
        f" from {t.source.value}",
        f"  {t.status.value}, priority {t.priority.value}, assignee {t.assignee or '-'}",
        f"  alerts: {', '.join(str(a) for a in t.alert_ids) or '-'}",
    ]
    if t.description:
        lines.append(f"  {t.description}")
    for e in t.history:
        lines.append(f"  {e.at.strftime('%Y-%m-%dT%H:%M:%SZ')} {e.actor:<20} {e.kind:<9} {e.text}")
    return "\n".join(lines)


async def cmd_ticket_show(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        ticket = await container.maintenance.tickets.get(args.ticket_id)
    finally:
        await container.aclose()
    print(format_ticket(ticket))
    return 0


async def _change(args: argparse.Namespace, *, assign: bool) -> int:
    """Assign (acknowledging an open ticket) or resolve, with an optional note."""
    from laddnet.cli import _container
    from laddnet.domain.maintenance.tickets import TicketStatus
    from laddnet.services.maintenance.tickets import TicketPatch

    container = await _container()
    try:
        tickets = container.maintenance.tickets
        if assign:
            current = (await tickets.get(args.ticket_id)).status
            opened = current is TicketStatus.OPEN and bool(args.assignee)
            patch = TicketPatch(
                status=TicketStatus.ACKNOWLEDGED if opened else None,
                assignee=args.assignee or None,
                assignee_given=True,
                note=args.note,
            )
        else:
            patch = TicketPatch(status=TicketStatus.RESOLVED, note=args.note)
        ticket = await tickets.change(args.ticket_id, patch, CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"ticket {ticket.id}: {ticket.status.value}, assignee {ticket.assignee or '-'}")
    return 0


async def cmd_ticket_assign(args: argparse.Namespace) -> int:
    return await _change(args, assign=True)


async def cmd_ticket_resolve(args: argparse.Namespace) -> int:
    return await _change(args, assign=False)
