"""`laddnet driver token add|list|remove`: a driver's id tokens (stored hashed and encrypted),
audited with actor "cli"."""

from __future__ import annotations

import argparse
from typing import Any

CLI_ACTOR = "cli"


def register(actions: Any) -> None:
    token = actions.add_parser("token", help="a driver's id tokens (RFID UIDs, app tokens)")
    sub = token.add_subparsers(required=True, metavar="ACTION")
    p = sub.add_parser("add", help="link an id token to a driver")
    p.add_argument("driver_id")
    p.add_argument("value", help="the idTag as stations send it")
    p.add_argument("--kind", choices=["rfid", "app"], default="rfid")
    p.set_defaults(command=cmd_token_add)
    p = sub.add_parser("list", help="a driver's id tokens")
    p.add_argument("driver_id")
    p.set_defaults(command=cmd_token_list)
    p = sub.add_parser("remove", help="remove a driver's id token (by its id from `list`)")
    p.add_argument("driver_id")
    p.add_argument("token_id")
    p.set_defaults(command=cmd_token_remove)


async def cmd_token_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.drivers.tokens import TokenKind

    container = await _container()
    try:
        token = await container.driver_tokens.add(
            args.driver_id, args.value, TokenKind(args.kind), actor=CLI_ACTOR, source=None
        )
    finally:
        await container.aclose()
    print(f"token {token.id} added to driver {args.driver_id}")
    return 0


async def cmd_token_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        tokens = await container.driver_tokens.list(args.driver_id)
    finally:
        await container.aclose()
    print(f"{'TOKEN ID':<36} {'KIND':<5} {'VALUE':<36} BLOCKED")
    for t in tokens:
        print(f"{t.id:<36} {t.kind:<5} {t.value:<36} {'yes' if t.blocked else 'no'}")
    print(f"{len(tokens)} tokens")
    return 0


async def cmd_token_remove(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        await container.driver_tokens.remove(
            args.driver_id, args.token_id, actor=CLI_ACTOR, source=None
        )
    finally:
        await container.aclose()
    print(f"token {args.token_id} removed from driver {args.driver_id}")
    return 0
