"""The `laddnet` command line. Heavy modules are imported inside each command, so that every
command but `serve` starts in well under a second.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from laddnet import sites_cli

if TYPE_CHECKING:
    from laddnet.config import Settings


class CliError(Exception):
    """A one-line error for the user; the CLI exits with status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = args.command
    try:
        return asyncio.run(command(args))
    except CliError as exc:
        print(f"laddnet: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from laddnet.domain.errors import LaddnetError

        if isinstance(exc, LaddnetError):
            print(f"laddnet: error: {exc}", file=sys.stderr)
            return 1
        raise


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="laddnet", description="Laddnet: charging-network management (CSMS)."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("migrate", help="bring the database to the latest schema")
    p.set_defaults(command=cmd_migrate)

    p = sub.add_parser("serve", help="run the OCPP gateway and the HTTP API")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="gateway processes sharing the OCPP port (PostgreSQL and LADDNET_BUS_URL needed"
        " beyond 1; see docs/operations/scale-out.md)",
    )
    p.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)  # a child of it
    p.set_defaults(command=cmd_serve)

    p = sub.add_parser("demo", help="serve with demo data and simulated stations charging")
    p.add_argument("--stations", type=int, default=4, help="simulated stations (default 4)")
    p.set_defaults(command=cmd_demo)

    station = sub.add_parser("station", help="register, list and command stations").add_subparsers(
        required=True, metavar="ACTION"
    )
    from laddnet.station_registration_cli import (
        cmd_station_add,
        cmd_station_import,
        cmd_station_set_password,
    )

    p = station.add_parser("add", help="register a station and its basic-auth password")
    p.add_argument("station_id")
    secret = p.add_mutually_exclusive_group()
    secret.add_argument(
        "--password", help="basic-auth password (16-40 characters; not needed for profile 3)"
    )
    secret.add_argument(
        "--generate-password",
        action="store_true",
        help="let Laddnet draw the password and print it once (verified without argon2: a"
        " reconnect storm costs far less)",
    )
    p.add_argument(
        "--security-profile",
        type=int,
        choices=[1, 2, 3],
        default=1,
        help="1 basic auth over ws://, 2 over TLS, 3 client certificate (default 1)",
    )
    p.set_defaults(command=cmd_station_add)
    from laddnet.station_security_cli import add_station_security_commands

    add_station_security_commands(station, sub)  # station set ..., ca ...
    from laddnet.credentials_cli import add_credential_commands

    add_credential_commands(station)  # station rotate-password, rotations, upgrade-profile
    p = station.add_parser(
        "set-password", help="give a station a new basic-auth password (the old one stops working)"
    )
    p.add_argument("station_id")
    p.add_argument("--password", required=True, help="basic-auth password (16-40 characters)")
    p.set_defaults(command=cmd_station_set_password)
    p = station.add_parser("import", help="register stations from a CSV file (id,password,...)")
    p.add_argument("file")
    p.add_argument(
        "--passwords-out",
        metavar="FILE",
        help="draw a password for every row without one and write them here (id,password;"
        " a new file only its owner can read)",
    )
    p.set_defaults(command=cmd_station_import)
    p = station.add_parser("list", help="list stations with their live state")
    p.set_defaults(command=cmd_station_list)
    sites_cli.add_station_history_command(station)
    from laddnet.guard_cli import add_firmware_commands, add_station_network_command

    add_station_network_command(station)  # station networks
    add_firmware_commands(sub)  # firmware inventory|vulnerable|versions|mark-vulnerable|unmark
    sites_cli.add_site_commands(sub)
    from laddnet.security_cli import add_security_commands

    add_security_commands(sub)  # laddnet security events
    from laddnet.tariffs_cli import add_tariff_commands

    add_tariff_commands(sub)
    from laddnet.ledger_cli import add_ledger_commands

    add_ledger_commands(sub)
    from laddnet.sessions_cli import add_session_commands

    add_session_commands(sub)  # laddnet session review
    from laddnet.commands_cli import register

    register(station)  # reset, remote-start, ... and the command log, via the running server
    from laddnet import maintenance_cli

    maintenance_cli.register(sub, station)  # alert list, station maintenance

    token = sub.add_parser("token", help="manage id tokens (RFID cards)").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = token.add_parser("add", help="authorize an id token")
    p.add_argument("tag")
    p.add_argument("--expires", help="expiry, ISO 8601 with a time zone")
    p.add_argument("--blocked", action="store_true", help="register it as blocked")
    p.add_argument("--group", help="group (parent) id token")
    p.add_argument("--owner", help="who holds the token")
    p.add_argument(
        "--customer-group",
        choices=["ad_hoc", "member", "fleet", "roaming"],
        help="whose tariff its sessions get (none: ad_hoc)",
    )
    p.set_defaults(command=cmd_token_add)

    from laddnet import accounts_cli

    accounts_cli.register(sub)  # user add|list|disable, apikey create|list|revoke, audit verify
    from laddnet import drivers_cli

    drivers_cli.register(sub)  # driver add|list|export|erase

    p = sub.add_parser("simulate", help="run simulated stations against a gateway")
    p.add_argument("--stations", type=int, default=1)
    p.add_argument("--version", choices=["1.6", "2.0.1"], default="1.6")
    p.add_argument(
        "--url", default=None, help="gateway base URL (default ws://HOST:OCPP_PORT/ocpp)"
    )
    p.add_argument("--password", required=True, help="basic-auth password of every station")
    p.add_argument("--id-prefix", default="SIM-", help="station ids are PREFIX0001, ...")
    p.add_argument("--duration", type=float, default=None, help="seconds to run (default: forever)")
    p.add_argument(
        "--meter-interval", type=float, default=10.0, help="seconds between meter values"
    )
    p.add_argument("--id-tag", default="DEMO-TAG-1", help="id token the stations charge with")
    p.add_argument("--ca-file", help="wss://: the CA certificate(s) the gateway's is checked with")
    p.add_argument("--cert", help="wss://: client certificate (PEM) for security profile 3")
    p.add_argument("--key", help="wss://: the client certificate's key (PEM)")
    p.set_defaults(command=cmd_simulate)
    return parser


def _settings() -> Settings:
    from pydantic import ValidationError

    from laddnet.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CliError(
            f"bad setting LADDNET_{str(first['loc'][0]).upper()}: {first['msg']}"
        ) from None


async def _container(migrated: bool = False) -> Any:
    from laddnet.bootstrap import build
    from laddnet.domain.errors import StorageUnavailable

    settings = _settings()
    container = build(settings)
    if migrated or settings.is_sqlite:
        from sqlalchemy.exc import DBAPIError

        from laddnet.adapters.db.engine import migrate

        try:
            await migrate(container.engine)
        except (DBAPIError, OSError) as exc:
            await container.aclose()
            raise CliError(f"database unreachable: {_first_line(exc)}") from None
        except StorageUnavailable as exc:
            await container.aclose()
            raise CliError(f"database unreachable: {exc}") from None
    return container


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def cmd_migrate(args: argparse.Namespace) -> int:
    container = await _container(migrated=True)
    try:  # drivers' tokens keyed before id tokens were folded (migration 0016)
        moved, removed = await container.driver_tokens.reindex()
    finally:
        await container.aclose()
    if moved or removed:
        print(f"drivers' tokens re-keyed: {moved} moved, {removed} duplicates removed")
    print("database is at the latest schema")
    return 0


def _configure_logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("websockets").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


async def cmd_serve(args: argparse.Namespace) -> int:
    from laddnet.runtime import Part, serve
    from laddnet.workers import serve_workers, worker_node_id

    _configure_logging()
    settings = _settings()
    if args.worker is not None:  # one gateway of `serve --workers N`, started by it
        node_id = worker_node_id(settings.node_id, args.worker)
        await serve(settings.model_copy(update={"node_id": node_id}), part=Part.GATEWAY)
    elif args.workers != 1:
        await serve_workers(settings, args.workers)
    else:
        await serve(settings)
    return 0


async def cmd_demo(args: argparse.Namespace) -> int:
    from laddnet.demo import run_demo

    _configure_logging()

    await run_demo(_settings(), stations=args.stations)
    return 0


async def cmd_station_list(args: argparse.Namespace) -> int:
    from laddnet.stations_cli import format_station_table

    container = await _container()
    try:
        stations, total = await container.queries.stations(limit=10_000)
        resting = await container.maintenance.modes([s.id for s in stations])
    finally:
        await container.aclose()
    print(format_station_table(stations, resting))
    print(f"{total} stations")
    return 0


async def cmd_token_add(args: argparse.Namespace) -> int:
    from datetime import datetime

    expires = None
    if args.expires:
        try:
            expires = datetime.fromisoformat(args.expires)
        except ValueError:
            raise CliError(f"--expires: not an ISO 8601 time: {args.expires}") from None
        if expires.tzinfo is None:
            raise CliError("--expires needs a time zone, e.g. 2027-01-01T00:00:00+00:00")
    if not 1 <= len(args.tag) <= 20:
        raise CliError("a tag is 1 to 20 characters (the OCPP 1.6 idTag limit)")
    container = await _container()
    try:
        await container.authorization.add_token(
            args.tag,
            blocked=args.blocked,
            expires_at=expires,
            group=args.group,
            owner=args.owner,
            customer_group=args.customer_group,
        )
    finally:
        await container.aclose()
    print(f"token {args.tag} {'blocked' if args.blocked else 'authorized'}")
    return 0


async def cmd_simulate(args: argparse.Namespace) -> int:
    from laddnet.sim.runner import simulate

    if args.stations < 1:
        raise CliError("--stations must be at least 1")
    url = args.url
    if url is None:
        settings = _settings()
        url = f"ws://{settings.host}:{settings.ocpp_port}/ocpp"
    ids = [f"{args.id_prefix}{n:04d}" for n in range(1, args.stations + 1)]
    from laddnet.sim.tls import client_context

    context = client_context(args.ca_file, args.cert, args.key) if url.startswith("wss:") else None
    report = await simulate(
        url,
        ids,
        args.password,
        args.version,
        duration=args.duration,
        meter_interval=args.meter_interval,
        id_tags=(args.id_tag,),
        ssl_context=context,
    )
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
