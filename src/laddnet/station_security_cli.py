"""`laddnet station set` (security profile and other details of a station), registered on the
parser by `laddnet.cli`. Changes are audited with actor "cli"."""

from __future__ import annotations

import argparse
from typing import Any


def add_station_security_commands(station: Any, sub: Any) -> None:
    """Register `station set` on the `station` subparsers (`sub`: the top-level ones)."""
    p = station.add_parser("set", help="change a station's security profile or display name")
    p.add_argument("station_id")
    p.add_argument(
        "--security-profile",
        type=int,
        choices=[1, 2, 3],
        help="1 basic auth over ws://, 2 over TLS, 3 client certificate; from its next login",
    )
    p.add_argument("--display-name")
    p.set_defaults(command=cmd_station_set)


async def cmd_station_set(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import UnknownStation
    from laddnet.domain.ids import StationId
    from laddnet.services.handlers.station_admin import UNCHANGED
    from laddnet.sites_cli import CLI_ACTOR

    if args.security_profile is None and args.display_name is None:
        raise CliError("nothing to change: give --security-profile or --display-name")
    container = await _container()
    try:
        station = await container.station_admin.update_station(
            StationId(args.station_id),
            actor=CLI_ACTOR,
            display_name=args.display_name if args.display_name is not None else UNCHANGED,
            security_profile=args.security_profile,
        )
    except UnknownStation:
        raise CliError(f"station {args.station_id} does not exist") from None
    finally:
        await container.aclose()
    print(  # noqa: T201 - the command's output
        f"station {station.id}: security profile {int(station.security_profile)}"
        f"{', ' + station.display_name if station.display_name else ''}"
    )
    return 0
