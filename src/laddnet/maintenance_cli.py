"""`laddnet alert list` (from the database) and `laddnet station maintenance ID --on|--off`
(through the running server, which sends the station ChangeAvailability)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from laddnet.domain.maintenance.alerts import Alert


def register(sub: Any, station: Any) -> None:
    from laddnet import reports_cli, tickets_cli

    tickets_cli.register(sub)
    reports_cli.register(sub)
    alert = sub.add_parser("alert", help="alerts about stations").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = alert.add_parser("list", help="alerts, newest first")
    p.add_argument("--status", choices=["open", "closed"])
    p.add_argument("--station", help="one station's alerts")
    p.add_argument("--kind", help="station_offline, connector_faulted, boot_loop, ...")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(command=cmd_alert_list)
    p = alert.add_parser("close", help="close an open alert by hand")
    p.add_argument("alert_id", type=int, metavar="ID")
    p.add_argument("--reason", default="", help="why, kept on the alert")
    p.set_defaults(command=cmd_alert_close)

    notify = sub.add_parser(
        "notify", help="who gets alerts and ticket changes by e-mail (LADDNET_SMTP_URL)"
    ).add_subparsers(required=True, metavar="ACTION")
    p = notify.add_parser("add", help="mail a site's (or every site's) alerts to an address")
    p.add_argument("email")
    p.add_argument("--site", help="only this site's (default: every site)")
    p.add_argument("--min-severity", choices=["info", "warning", "critical"], default="warning")
    p.set_defaults(command=cmd_notify_add)
    p = notify.add_parser("list", help="the recipients")
    p.set_defaults(command=cmd_notify_list)
    p = notify.add_parser("failures", help="messages the mail server refused for good")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(command=cmd_notify_failures)

    p = station.add_parser("health", help="a station's health score and its reasons")
    p.add_argument("station_id", metavar="ID")
    p.set_defaults(command=cmd_station_health)

    p = station.add_parser(
        "maintenance",
        help="switch maintenance mode on or off (through the running server)",
    )
    p.add_argument("station_id", metavar="ID")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--on", dest="on", action="store_true", default=None)
    mode.add_argument("--off", dest="on", action="store_false")
    p.add_argument("--reason", default="", help="why, for the log and the station list")
    p.add_argument("--until", help="ends by itself then (ISO 8601 with a time zone)")
    p.add_argument("--api-url", help="the running server (default http://HOST:HTTP_PORT)")
    p.add_argument("--api-key", help="API key (default: LADDNET_API_KEY)")
    p.add_argument("--json", action="store_true", help="print the server's raw answer")
    p.set_defaults(command=cmd_station_maintenance)


async def cmd_alert_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        alerts, total = await container.maintenance.alerts(
            status=args.status, station_id=args.station, kind=args.kind, limit=args.limit
        )
    finally:
        await container.aclose()
    print(format_alert_table(alerts))
    print(f"{total} alerts")
    return 0


async def cmd_alert_close(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        alert = await container.maintenance.close_alert(args.alert_id, args.reason, "cli")
    finally:
        await container.aclose()
    print(format_alert_table([alert]))
    return 0


def format_alert_table(alerts: Sequence[Alert]) -> str:
    lines = [
        f"{'ID':>6} {'KIND':<18} {'SEVERITY':<9} {'STATION':<20} {'EVSE/CONN':<9} "
        f"{'OPENED':<20} {'CLOSED':<20} DETAILS"
    ]
    for a in alerts:
        k = a.key
        opened = a.opened_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        closed = a.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if a.closed_at else "open"
        where = f"{k.evse_id}/{k.connector_id}"
        details = json.dumps(a.details, separators=(",", ":"))
        lines.append(
            f"{a.id:>6} {k.kind.value:<18} {a.severity.value:<9} {k.station_id:<20} {where:<9} "
            f"{opened:<20} {closed:<20} {details}"
        )
    return "\n".join(lines)


async def cmd_station_maintenance(args: argparse.Namespace) -> int:
    from laddnet.commands_cli import _quote, _request

    body: dict[str, Any] = {"on": args.on, "reason": args.reason}
    if args.until:
        body["until"] = args.until
    path = f"/api/v1/stations/{_quote(args.station_id)}/maintenance"
    answer = await _request(args, "POST", path, body)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    state = "on" if answer["maintenance"] else "off"
    told = answer["command_status"] or f"not applied now ({answer['command_error']})"
    print(f"{args.station_id} maintenance {state}; ChangeAvailability: {told}")
    return 0


async def cmd_notify_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.maintenance.alerts import Severity

    container = await _container()
    try:
        found = await container.maintenance.recipients.add(
            args.email, args.site, Severity(args.min_severity), "cli"
        )
    finally:
        await container.aclose()
    where = found.site_id or "every site"
    print(f"recipient {found.id}: {found.email}, {where}, from {found.min_severity.value}")
    return 0


async def cmd_notify_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        found = await container.maintenance.recipients.list()
    finally:
        await container.aclose()
    for r in found:
        print(f"{r.id:>4} {r.email:<40} {r.site_id or 'every site':<20} {r.min_severity.value}")
    print(f"{len(found)} recipients")
    return 0


async def cmd_notify_failures(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        found = await container.maintenance.notifier.failures(args.limit)
    finally:
        await container.aclose()
    for f in found:
        print(f"{f['first_tried_at']} event {f['event_id']} to {f['email']}: {f['error']}")
    print(f"{len(found)} failed messages")
    return 0


async def cmd_station_health(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.ids import StationId

    container = await _container()
    try:
        health = await container.maintenance.health(StationId(args.station_id))
    finally:
        await container.aclose()
    print(f"{args.station_id} health {health.score}/100")
    for reason in health.reasons:
        print(f"  - {reason}")
    for c in health.connectors:
        print(f"  EVSE {c.evse_id} connector {c.connector_id}: {c.health.score}/100")
        for reason in c.health.reasons:
            print(f"    - {reason}")
    return 0
