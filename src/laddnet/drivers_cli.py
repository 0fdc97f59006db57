"""`laddnet driver add|list|export|erase|login|token`: drivers' personal data on the database
(encrypted with the master key of LADDNET_MASTER_KEY, its file, or the development key file),
audited with actor "cli"."""

from __future__ import annotations

import argparse
import json
from typing import Any

CLI_ACTOR = "cli"


def register(sub: Any) -> None:
    driver = sub.add_parser("driver", help="manage drivers and their personal data")
    actions = driver.add_subparsers(required=True, metavar="ACTION")
    p = actions.add_parser("add", help="add a driver (personal data stored encrypted)")
    p.add_argument("name")
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.add_argument("--language", help="e.g. sv or en-GB")
    p.set_defaults(command=cmd_driver_add)
    p = actions.add_parser("list", help="list drivers")
    p.set_defaults(command=cmd_driver_list)
    p = actions.add_parser("export", help="a driver's data as JSON (GDPR), audited")
    p.add_argument("driver_id")
    p.set_defaults(command=cmd_driver_export)
    p = actions.add_parser("erase", help="erase a driver's personal data (GDPR), audited")
    p.add_argument("driver_id")
    p.set_defaults(command=cmd_driver_erase)
    p = actions.add_parser(
        "login",
        help="let a driver log in (self-service): a one-time setup token, or --password now",
    )
    p.add_argument("driver_id")
    p.add_argument(
        "--password",
        action="store_true",
        help="set the password now (asked for, or read from standard input)",
    )
    p.set_defaults(command=cmd_driver_login)
    from laddnet import driver_tokens_cli

    driver_tokens_cli.register(actions)  # driver token add|list|remove

    keys = sub.add_parser("keys", help="the keys of personal data").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = keys.add_parser(
        "rotate",
        help="a new data key and every driver encrypted again under it (the server keeps"
        " running); with --new-master-key-file, wrap the keys with a new master key instead",
    )
    p.add_argument("--new-master-key-file", help="file holding the new master key (base64/hex)")
    p.add_argument(
        "--index",
        action="store_true",
        help="rotate the blind-index key instead: e-mail indexes and token keys recomputed in"
        " the background, lookups trying the new key then the old until done",
    )
    p.set_defaults(command=cmd_keys_rotate)


async def cmd_driver_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.drivers.model import DriverDetails

    details = DriverDetails(args.name, args.email, args.phone, args.address, args.language)
    container = await _container()
    try:
        driver = await container.drivers.create(details, actor=CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"driver {driver.id} added")
    return 0


async def cmd_driver_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        drivers, total = await container.drivers.page(10_000, 0)
    finally:
        await container.aclose()
    print(f"{'DRIVER':<18} {'NAME':<28} {'E-MAIL':<32} LANGUAGE")
    for d in drivers:
        line = f"{d.id:<18} {d.details.name:<28} {d.details.email or '-':<32}"
        print(f"{line} {d.details.language or '-'}")
    print(f"{total} drivers")
    return 0


async def cmd_driver_export(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        data = await container.drivers.export(args.driver_id, actor=CLI_ACTOR)
    finally:
        await container.aclose()
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


async def cmd_driver_erase(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        await container.drivers.erase(args.driver_id, actor=CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"driver {args.driver_id}: personal data erased; the anonymous record stays")
    return 0


async def cmd_driver_login(args: argparse.Namespace) -> int:
    from laddnet.accounts_cli import _read_password
    from laddnet.cli import _container

    password = _read_password(args.driver_id) if args.password else None
    container = await _container()
    try:
        if password is not None:
            await container.driver_auth.set_password(
                args.driver_id, password, actor=CLI_ACTOR, source=None
            )
            print(f"driver {args.driver_id}: password set; their login sessions ended")
            return 0
        token = await container.driver_auth.issue_setup(
            args.driver_id, actor=CLI_ACTOR, source=None
        )
        base = container.settings.public_base_url
    finally:
        await container.aclose()
    print("one-time setup token for the driver (valid 72 h by default; shown only now):")
    print(f'  POST {base}/api/v1/driver-auth/setup with {{"token": "{token}", "password": ...}}')
    print(token)
    return 0


async def cmd_keys_rotate(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from laddnet.cli import CliError, _container
    from laddnet.domain.security.keys import parse_master_key

    new_master = None
    if args.new_master_key_file:
        try:
            text = await asyncio.to_thread(Path(args.new_master_key_file).read_text)
            new_master = parse_master_key(text)
        except (OSError, ValueError) as exc:
            raise CliError(f"--new-master-key-file: {exc}") from None
    container = await _container()
    try:
        if args.index:
            key_id, drivers, tokens = await container.drivers.rotate_index_key(actor=CLI_ACTOR)
            print(f"index key {key_id} now indexes; {drivers} drivers and {tokens} id tokens"
                  " re-indexed, the old index key dropped")  # fmt: skip
        elif new_master is not None:
            count = await container.drivers.rotate_master_key(new_master, actor=CLI_ACTOR)
            print(f"{count} keys wrapped with the new master key; set LADDNET_MASTER_KEY_FILE"
                  f" to {args.new_master_key_file} before the next start")  # fmt: skip
        else:
            key_id, count = await container.drivers.rotate_data_key(actor=CLI_ACTOR)
            print(f"data key {key_id} now encrypts; {count} drivers encrypted again")
    finally:
        await container.aclose()
    return 0
