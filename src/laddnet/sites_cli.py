"""`laddnet site add|list` and `laddnet station history`: commands that talk to the database
directly, registered on the parser by `laddnet.cli`. Changes are audited with actor "cli"."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from laddnet.domain.sites.model import Site
    from laddnet.domain.stations.history import StatusChange

CLI_ACTOR = "cli"


def add_site_commands(sub: Any) -> None:
    """Register `site add` and `site list` on the top-level subparsers."""
    site = sub.add_parser("site", help="manage sites (an operator's locations)").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = site.add_parser("add", help="create a site")
    p.add_argument("name")
    p.add_argument("--time-zone", required=True, help="IANA time zone, e.g. Europe/Stockholm")
    p.add_argument("--id", help="site id (default: generated)")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. SE")
    p.add_argument("--city")
    p.add_argument("--address")
    p.add_argument("--postal-code")
    p.add_argument("--latitude", help="decimal degrees, e.g. 59.329323")
    p.add_argument("--longitude", help="decimal degrees, e.g. 18.068581")
    p.set_defaults(command=cmd_site_add)
    p = site.add_parser("list", help="list sites and the stations on them")
    p.set_defaults(command=cmd_site_list)
    from laddnet.guard_cli import add_site_network_commands

    add_site_network_commands(site)  # site allowed-networks


def add_station_history_command(station: Any) -> None:
    """Register `station history` on the `station` subparsers."""
    p = station.add_parser("history", help="a station's status changes, newest first")
    p.add_argument("station_id")
    p.add_argument("--limit", type=int, default=50, help="changes to show (default 50)")
    p.set_defaults(command=cmd_station_history)


async def cmd_site_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.sites.model import SiteDetails

    details = SiteDetails(
        name=args.name,
        time_zone=args.time_zone,
        address=args.address,
        postal_code=args.postal_code,
        city=args.city,
        country=args.country,
        latitude=args.latitude,
        longitude=args.longitude,
    )
    container = await _container()
    try:
        site = await container.sites.create_site(args.id, details, CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"site {site.id} added")
    return 0


async def cmd_site_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        sites, total = await container.queries.sites(limit=10_000)
    finally:
        await container.aclose()
    print(format_site_table(sites))
    print(f"{total} sites")
    return 0


async def cmd_station_history(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.ids import StationId

    if not 1 <= args.limit <= 10_000:
        raise CliError("--limit must be 1 to 10000")
    container = await _container()
    try:
        station_id = StationId(args.station_id)
        if await container.queries.station(station_id) is None:
            raise CliError(f"station {args.station_id} does not exist")
        changes, total = await container.queries.status_history(station_id, limit=args.limit)
    finally:
        await container.aclose()
    print(format_history_table(changes))
    print(f"{len(changes)} of {total} changes")
    return 0


def format_site_table(sites: Sequence[Site]) -> str:
    lines = [f"{'SITE':<38} {'NAME':<24} {'CITY':<16} {'CC':<3} {'TIME ZONE':<20} STATIONS"]
    for s in sites:
        d = s.details
        lines.append(
            f"{s.id:<38} {d.name:<24} {d.city or '-':<16} {d.country or '-':<3} "
            f"{d.time_zone:<20} {' '.join(s.station_ids) or '-'}"
        )
    return "\n".join(lines)


def format_history_table(changes: Sequence[StatusChange]) -> str:
    lines = [f"{'REPORTED AT':<26} {'EVSE/CONN':<10} {'STATUS':<12} {'CHARGING':<14} ERROR / INFO"]
    for c in changes:
        where = f"{c.evse_id}/{c.connector_id}"
        charging = c.charging_state.value if c.charging_state else "-"
        notes = " ".join(x for x in (c.error_code, c.vendor_error_code, c.info) if x) or "-"
        lines.append(
            f"{c.reported_at.isoformat(timespec='seconds'):<26} {where:<10} "
            f"{c.status.value:<12} {charging:<14} {notes}"
        )
    return "\n".join(lines)
