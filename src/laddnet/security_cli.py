"""`laddnet security events`: the security events an operator reviews (refused logins, stray
answers, implausible station data; docs/security.md), read from the database directly."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from laddnet.domain.security.model import SecurityEventKind


def add_security_commands(sub: Any) -> None:
    """Register `security events` on the top-level subparsers."""
    security = sub.add_parser("security", help="review security events").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = security.add_parser("events", help="security events, newest first")
    p.add_argument("--station", help="only this station's events")
    p.add_argument("--kind", choices=[k.value for k in SecurityEventKind], help="only this kind")
    p.add_argument("--limit", type=int, default=50, help="events to show (default 50)")
    p.set_defaults(command=cmd_security_events)


async def cmd_security_events(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container

    if not 1 <= args.limit <= 10_000:
        raise CliError("--limit must be 1 to 10000")
    container = await _container()
    try:
        rows, total = await container.queries.security_event_page(
            station_id=args.station, kind=args.kind, limit=args.limit, offset=0
        )
    finally:
        await container.aclose()
    print(format_security_table(rows))
    print(f"{len(rows)} of {total} events")
    return 0


def format_security_table(rows: Sequence[dict[str, Any]]) -> str:
    lines = [f"{'WHEN (UTC)':<20} {'KIND':<26} {'STATION':<20} {'PEER':<22} DETAIL"]
    for r in rows:
        when = r["occurred_at"].strftime("%Y-%m-%d %H:%M:%S")
        lines.append(
            f"{when:<20} {r['kind']:<26} {r['station_id'] or '-':<20} "
            f"{r['remote_address'] or '-':<22} {r['detail']}"
        )
    return "\n".join(lines)
