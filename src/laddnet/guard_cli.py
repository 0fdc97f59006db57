"""`laddnet site allowed-networks`, `laddnet station networks` and `laddnet firmware ...`:
sites' allowed source networks, the networks a station has connected from, the firmware
inventory and the versions marked vulnerable. They talk to the database directly; changes
are audited with actor "cli"."""

from __future__ import annotations

import argparse
from typing import Any

CLI_ACTOR = "cli"


def add_site_network_commands(site: Any) -> None:
    """Register `site allowed-networks` on the `site` subparsers."""
    p = site.add_parser(
        "allowed-networks",
        help="show or set the networks a site's stations may connect from",
    )
    p.add_argument("site_id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--set", metavar="CIDR,...", help="comma-separated CIDR networks")
    group.add_argument("--clear", action="store_true", help="lift the list (anywhere)")
    p.set_defaults(command=cmd_site_networks)


def add_station_network_command(station: Any) -> None:
    """Register `station networks` on the `station` subparsers."""
    p = station.add_parser("networks", help="the networks (/24, /48) a station connected from")
    p.add_argument("station_id")
    p.set_defaults(command=cmd_station_networks)


def add_firmware_commands(sub: Any) -> None:
    """Register `firmware inventory|vulnerable|mark-vulnerable|unmark|versions`."""
    firmware = sub.add_parser(
        "firmware", help="firmware inventory and vulnerable versions"
    ).add_subparsers(required=True, metavar="ACTION")
    p = firmware.add_parser("inventory", help="stations per vendor, model and firmware version")
    p.set_defaults(command=cmd_firmware_inventory)
    p = firmware.add_parser("vulnerable", help="stations running a version marked vulnerable")
    p.set_defaults(command=cmd_firmware_vulnerable)
    p = firmware.add_parser("versions", help="the versions marked vulnerable")
    p.set_defaults(command=cmd_firmware_versions)
    p = firmware.add_parser("mark-vulnerable", help="mark a firmware version vulnerable")
    p.add_argument("--vendor", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--version", required=True, help="firmwareVersion, exactly")
    p.add_argument("--reason", required=True, help="e.g. a CVE and the fixed version")
    p.set_defaults(command=cmd_firmware_mark)
    p = firmware.add_parser("unmark", help="unmark a version (its id from `firmware versions`)")
    p.add_argument("vulnerability_id", type=int)
    p.set_defaults(command=cmd_firmware_unmark)


async def cmd_site_networks(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        guard = container.station_guard
        if args.clear:
            networks = await guard.set_site_networks(args.site_id, None, CLI_ACTOR)
        elif args.set is not None:
            values = [v for v in (x.strip() for x in args.set.split(",")) if v]
            networks = await guard.set_site_networks(args.site_id, values, CLI_ACTOR)
        else:
            networks = await guard.site_networks(args.site_id)
    finally:
        await container.aclose()
    if networks is None:
        print(f"{args.site_id}: anywhere (no list)")
    else:
        print(f"{args.site_id}: {', '.join(networks) if networks else 'nowhere (empty list)'}")
    return 0


async def cmd_station_networks(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        rows = await container.station_guard.station_networks(args.station_id)
    finally:
        await container.aclose()
    print(f"{'NETWORK':<24} {'FIRST SEEN (UTC)':<20} LAST SEEN (UTC)")
    for network, first, last in rows:
        print(f"{network:<24} {_when(first):<20} {_when(last)}")
    print(f"{len(rows)} networks")
    return 0


async def cmd_firmware_inventory(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        rows = await container.station_guard.inventory()
    finally:
        await container.aclose()
    print(f"{'VENDOR':<20} {'MODEL':<20} {'VERSION':<20} {'STATIONS':>8}  VULNERABLE")
    for r in rows:
        mark = f"yes (#{r.vulnerable.id}: {r.vulnerable.reason})" if r.vulnerable else "-"
        print(
            f"{r.vendor or '-':<20} {r.model or '-':<20} {r.version or '-':<20} "
            f"{r.stations:>8}  {mark}"
        )
    return 0


async def cmd_firmware_vulnerable(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        rows = await container.station_guard.vulnerable_stations()
    finally:
        await container.aclose()
    print(f"{'STATION':<24} {'SITE':<16} {'VENDOR':<16} {'MODEL':<16} {'VERSION':<16} REASON")
    for r in rows:
        print(
            f"{r.station_id:<24} {r.site_id or '-':<16} {r.vendor:<16} {r.model:<16} "
            f"{r.version:<16} {r.vulnerability.reason}"
        )
    print(f"{len(rows)} stations run a vulnerable firmware version")
    return 0


async def cmd_firmware_versions(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        rows = await container.station_guard.vulnerable_versions()
    finally:
        await container.aclose()
    print(f"{'ID':>5} {'VENDOR':<16} {'MODEL':<16} {'VERSION':<16} {'MARKED BY':<16} REASON")
    for v in rows:
        print(
            f"{v.id:>5} {v.vendor:<16} {v.model:<16} {v.version:<16} {v.marked_by:<16} {v.reason}"
        )
    return 0


async def cmd_firmware_mark(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        marked = await container.station_guard.mark_vulnerable(
            args.vendor, args.model, args.version, args.reason, CLI_ACTOR
        )
    finally:
        await container.aclose()
    print(f"marked #{marked.id}: {marked.vendor} {marked.model} {marked.version} vulnerable")
    return 0


async def cmd_firmware_unmark(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        removed = await container.station_guard.unmark_vulnerable(args.vulnerability_id, CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"unmarked #{removed.id}: {removed.vendor} {removed.model} {removed.version}")
    return 0


def _when(value: Any) -> str:
    return str(value.strftime("%Y-%m-%d %H:%M:%S"))
