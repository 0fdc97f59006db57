"""`laddnet station set` (security profile and other details of a station), `laddnet station
certificates`, `laddnet station revoke-certificate`, `laddnet ca init` and `laddnet ca crl`,
registered on the parser by `laddnet.cli`. Changes are audited with actor "cli"."""

from __future__ import annotations

import argparse
from typing import Any

from laddnet.domain.security.certificates import RevocationReason, StationCertificate


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
    p.add_argument(
        "--allowed-networks",
        help="comma-separated CIDR networks it may connect from (e.g. 10.20.0.0/16), or 'any'",
    )
    p.set_defaults(command=cmd_station_set)
    p = station.add_parser(
        "certificates", help="the certificates Laddnet's station CA issued to a station"
    )
    p.add_argument("station_id")
    p.set_defaults(command=cmd_station_certificates)
    p = station.add_parser(
        "revoke-certificate",
        help="revoke a certificate of a station (by serial number): its next login is refused",
    )
    p.add_argument("station_id")
    p.add_argument("serial", help="the serial number in hex, as `station certificates` lists it")
    p.add_argument(
        "--reason",
        choices=[r.value for r in RevocationReason],
        help="the RFC 5280 reason (default: none given)",
    )
    p.set_defaults(command=cmd_station_revoke_certificate)
    ca = sub.add_parser("ca", help="Laddnet's station CA").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = ca.add_parser("init", help="create a station CA (certificate and key) in a directory")
    p.add_argument("--dir", required=True, help="where to write station-ca.pem and .key")
    p.add_argument("--name", default="Laddnet station CA", help="the CA's subject CN")
    p.add_argument("--days", type=int, default=3650, help="validity (default 3650 days)")
    p.set_defaults(command=cmd_ca_init)
    p = ca.add_parser(
        "crl", help="write the station CA's revocation list of the certificates it issued"
    )
    p.add_argument("--out", help="the PEM file to write (replaced whole); default: stdout")
    p.add_argument("--days", type=int, default=7, help="valid for (default 7 days; run it daily)")
    p.set_defaults(command=cmd_ca_crl)


async def cmd_station_set(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import UnknownStation
    from laddnet.domain.ids import StationId
    from laddnet.services.handlers.station_admin import UNCHANGED, Unchanged
    from laddnet.sites_cli import CLI_ACTOR

    if args.security_profile is None and args.display_name is None and not args.allowed_networks:
        raise CliError(
            "nothing to change: give --security-profile, --display-name or --allowed-networks"
        )
    networks: list[str] | Unchanged | None = UNCHANGED
    if args.allowed_networks:
        given = args.allowed_networks.strip()
        networks = None if given == "any" else [n for n in given.split(",") if n.strip()]
    container = await _container()
    try:
        station = await container.station_admin.update_station(
            StationId(args.station_id),
            actor=CLI_ACTOR,
            display_name=args.display_name if args.display_name is not None else UNCHANGED,
            security_profile=args.security_profile,
            allowed_networks=networks,
        )
    except UnknownStation:
        raise CliError(f"station {args.station_id} does not exist") from None
    finally:
        await container.aclose()
    where = ", ".join(station.allowed_networks) if station.allowed_networks else "anywhere"
    print(
        f"station {station.id}: security profile {int(station.security_profile)}"
        f"{', ' + station.display_name if station.display_name else ''}; connects from {where}"
    )
    return 0


async def cmd_station_certificates(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.ids import StationId

    container = await _container()
    try:
        found = await container.certificates.inventory(StationId(args.station_id))
    finally:
        await container.aclose()
    print(f"{'SERIAL':<42} {'NOT AFTER':<26} {'REVOKED':<48} SUBJECT")
    for cert in found:
        expiry = cert.not_after.isoformat(timespec="seconds")
        print(f"{cert.serial_number:<42} {expiry:<26} {_revoked(cert):<48} {cert.subject}")
    print(f"{len(found)} certificates")
    return 0


def _revoked(cert: StationCertificate) -> str:
    """`-`, or when (and why) the certificate was revoked."""
    if cert.revoked_at is None:
        return "-"
    when = cert.revoked_at.isoformat(timespec="seconds")
    return f"{when} ({cert.revoked_reason})" if cert.revoked_reason else when


async def cmd_station_revoke_certificate(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import InvalidInput, NotFound
    from laddnet.domain.ids import StationId
    from laddnet.sites_cli import CLI_ACTOR

    reason = RevocationReason(args.reason) if args.reason else None
    container = await _container()
    try:
        cert = await container.certificates.revoke(
            StationId(args.station_id), args.serial, reason, CLI_ACTOR
        )
    except (NotFound, InvalidInput) as exc:
        raise CliError(str(exc)) from None
    finally:
        await container.aclose()
    assert cert.revoked_at is not None
    print(f"certificate {cert.serial_number} of {args.station_id} revoked {_revoked(cert)}")
    return 0


async def cmd_ca_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from laddnet.adapters.crypto.station_ca import init_ca
    from laddnet.cli import CliError
    from laddnet.ports import SystemClock

    if not 1 <= args.days <= 36500:
        raise CliError("--days must be 1 to 36500")
    files = init_ca(Path(args.dir), args.name, SystemClock().now(), args.days)
    print("station CA created; set these and restart Laddnet:")
    print(f"LADDNET_CA_CERT={files.cert}")
    print(f"LADDNET_CA_KEY={files.key}")
    print(f"LADDNET_STATION_CA={files.cert}")
    return 0


async def cmd_ca_crl(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import InvalidInput

    container = await _container()
    try:
        pem, listed = await container.certificates.revocation_list(args.days)
    except InvalidInput as exc:
        raise CliError(str(exc)) from None
    finally:
        await container.aclose()
    if args.out is None:
        print(pem, end="")
        return 0
    out = Path(args.out)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(pem)
    os.replace(partial, out)  # a gateway re-reading LADDNET_STATION_CRL never sees half a list
    print(f"{out}: {listed} revoked certificates, valid {args.days} days")
    return 0
