"""Station registration commands: `station add`, `station set-password`, `station import`
(passwords an operator gives, or passwords Laddnet draws: ADR 9)."""

from __future__ import annotations

import argparse

from laddnet import sites_cli


async def cmd_station_add(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.ids import StationId
    from laddnet.domain.stations.registration import check_station_id
    from laddnet.stations_cli import check_credentials

    drawn = None
    if args.generate_password:
        check_station_id(args.station_id)
    elif args.password is not None or args.security_profile != 3:
        if args.password is None:
            raise CliError(
                f"--password or --generate-password is needed for security profile"
                f" {args.security_profile}"
            )
        check_credentials(args.station_id, args.password, line=None)
    container = await _container()
    try:
        admin, station_id = container.station_admin, StationId(args.station_id)
        profile = args.security_profile
        if args.generate_password:
            _, drawn = await admin.register_station_drawing_password(
                station_id, actor=sites_cli.CLI_ACTOR, security_profile=profile
            )
        else:
            await admin.register_station(
                station_id, args.password, actor=sites_cli.CLI_ACTOR, security_profile=profile
            )
    finally:
        await container.aclose()
    print(f"station {args.station_id} added")
    if drawn is not None:
        print(f"its password (shown only now): {drawn}")
    return 0


async def cmd_station_set_password(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import UnknownStation
    from laddnet.domain.ids import StationId
    from laddnet.stations_cli import check_credentials

    check_credentials(args.station_id, args.password, line=None)
    container = await _container()
    try:
        await container.station_admin.update_station(
            StationId(args.station_id), actor=sites_cli.CLI_ACTOR, password=args.password
        )
    except UnknownStation:
        raise CliError(f"station {args.station_id} does not exist") from None
    finally:
        await container.aclose()
    print(f"station {args.station_id}: new password; the old one is refused from its next login")
    return 0


async def cmd_station_import(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.errors import DuplicateStation
    from laddnet.domain.ids import StationId
    from laddnet.stations_cli import (
        discard_passwords_out,
        open_passwords_out,
        read_station_csv,
        write_passwords,
    )

    rows = read_station_csv(args.file, drawing=args.passwords_out is not None)
    out = open_passwords_out(args.passwords_out) if args.passwords_out else None
    imported = False

    def keep(drawn: dict[StationId, str]) -> None:
        # Written (and synced) before the import commits: a file that cannot be written
        # imports nothing, instead of stations whose passwords nobody has.
        if out is not None:
            try:
                write_passwords(out, drawn)
            except OSError as exc:
                raise CliError(
                    f"cannot write {args.passwords_out}: {exc.strerror}; nothing imported"
                ) from None

    try:
        container = await _container()
        try:
            pairs = [(r.station_id, r.password) for r in rows]
            drawn = await container.stations.add_stations(pairs, keep_drawn=keep)
            imported = True
        except DuplicateStation as exc:
            line = next(row.line for row in rows if row.station_id == exc.station_id)
            raise CliError(
                f"line {line}: station {exc.station_id} already exists; nothing imported"
            ) from None
        finally:
            await container.aclose()
    finally:
        if out is not None and not imported:  # nothing imported: no passwords file left behind
            discard_passwords_out(out, args.passwords_out)
    print(f"{len(rows)} stations imported")
    if args.passwords_out:
        print(f"{len(drawn)} drawn passwords written to {args.passwords_out}")
    return 0
