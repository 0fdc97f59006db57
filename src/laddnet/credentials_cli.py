"""`laddnet station rotate-password`, `laddnet station rotations` and `laddnet station
upgrade-profile`: credential changes of running stations, through the HTTP API of the running
`laddnet serve` (only the server holds station sockets). The generated password is never
shown: it goes to the station only."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_credential_commands(station: Any) -> None:
    """Register the subcommands on the `station` subparsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--api-url", help="the running server (default http://HOST:HTTP_PORT)")
    common.add_argument("--api-key", help="API key (default: LADDNET_API_KEY)")
    common.add_argument("--json", action="store_true", help="print the server's raw answer")
    p = station.add_parser(
        "rotate-password",
        parents=[common],
        help="give stations a new generated password over OCPP (old one kept until used)",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("station_id", nargs="?", metavar="ID", help="one station")
    which.add_argument("--all", action="store_true", help="every station with a password")
    which.add_argument("--site", help="every station of this site")
    p.set_defaults(command=cmd_rotate)
    p = station.add_parser(
        "rotations",
        parents=[common],
        help="password rotations and profile upgrades, newest first; a batch's progress",
    )
    p.add_argument("--batch", help="only this bulk rotation (shows its progress)")
    p.add_argument("--station", help="only this station")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(command=cmd_rotations)
    p = station.add_parser(
        "upgrade-profile",
        parents=[common],
        help="move a connected station to a higher security profile over OCPP",
    )
    p.add_argument("station_id", metavar="ID")
    p.add_argument("--profile", type=int, choices=[2, 3], required=True)
    p.add_argument("--csms-url", help="2.0.1: the wss:// URL of the listener for that profile")
    p.add_argument("--slot", type=int, default=1, help="2.0.1: configuration slot (default 1)")
    p.add_argument("--fallback-slot", type=int, help="2.0.1: slot second in the priority")
    p.set_defaults(command=cmd_upgrade)


def _show(change: dict[str, Any]) -> str:
    target = f" -> profile {change['target_profile']}" if change.get("target_profile") else ""
    detail = f" ({change['detail']})" if change.get("detail") else ""
    what = f"{change['kind']}{target}: {change['state']}{detail}"
    return f"{change['id']:>6} {change['station_id']:<20} {what}"


async def cmd_rotate(args: argparse.Namespace) -> int:
    from laddnet.commands_cli import _quote, _request

    if args.station_id is not None:
        path = f"/api/v1/stations/{_quote(args.station_id)}/password-rotation"
        answer = await _request(args, "POST", path, None)
        print(json.dumps(answer, indent=2) if args.json else _show(answer))
        return 0
    body = {"all": True} if args.all else {"site_id": args.site}
    answer = await _request(args, "POST", "/api/v1/password-rotations", body)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    counts = ", ".join(f"{n} {state}" for state, n in sorted(answer["progress"].items()))
    print(f"batch {answer['batch']}: {counts}")
    print(f"follow it with: laddnet station rotations --batch {answer['batch']}")
    return 0


async def cmd_rotations(args: argparse.Namespace) -> int:
    from urllib.parse import urlencode

    from laddnet.commands_cli import _request

    query = {"limit": args.limit, "batch": args.batch, "station_id": args.station}
    given = urlencode({k: v for k, v in query.items() if v is not None})
    page = await _request(args, "GET", f"/api/v1/password-rotations?{given}", None)
    if args.json:
        print(json.dumps(page, indent=2))
        return 0
    for change in page["items"]:
        print(_show(change))
    if page.get("progress"):
        counts = ", ".join(f"{n} {state}" for state, n in sorted(page["progress"].items()))
        print(f"batch {args.batch}: {counts}")
    print(f"{page['total']} changes")
    return 0


async def cmd_upgrade(args: argparse.Namespace) -> int:
    from laddnet.commands_cli import _quote, _request

    body: dict[str, Any] = {"profile": args.profile, "configuration_slot": args.slot}
    if args.csms_url:
        body["csms_url"] = args.csms_url
    if args.fallback_slot is not None:
        body["fallback_slot"] = args.fallback_slot
    path = f"/api/v1/stations/{_quote(args.station_id)}/security-profile-upgrade"
    answer = await _request(args, "POST", path, body)
    print(json.dumps(answer, indent=2) if args.json else _show(answer))
    return 0
