"""`laddnet user add|list|disable|enable`, `laddnet apikey create|list|revoke` and `laddnet audit
verify`: commands on the database directly (the first admin is made this way), audited with
actor "cli". A password is never an argument (it would land in the shell history): `--password`
reads it from the terminal, or from the first line of standard input."""

from __future__ import annotations

import argparse
import sys
from typing import Any

CLI_ACTOR = "cli"


def register(sub: Any) -> None:
    user = sub.add_parser("user", help="manage operator accounts").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = user.add_parser("add", help="add an account; prints a one-time setup token")
    p.add_argument("email")
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "operator", "technician", "finance", "support", "viewer"],
    )
    p.add_argument("--site", action="append", help="limit the account to a site (repeatable)")
    p.add_argument(
        "--password",
        action="store_true",
        help="set the password now (asked for, or read from standard input) instead of"
        " printing a setup token",
    )
    p.set_defaults(command=cmd_user_add)
    p = user.add_parser("list", help="list accounts")
    p.set_defaults(command=cmd_user_list)
    for action, disabled in (("disable", True), ("enable", False)):
        p = user.add_parser(action, help=f"{action} an account (by e-mail or id)")
        p.add_argument("user")
        p.set_defaults(command=cmd_user_disable, disabled=disabled)

    apikey = sub.add_parser("apikey", help="manage API keys").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = apikey.add_parser("create", help="create an API key and print it (last line)")
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "operator", "technician", "finance", "support", "viewer"],
    )
    p.add_argument("--label")
    p.add_argument("--site", action="append", help="limit the key to a site (repeatable)")
    p.add_argument("--expires", help="expiry, ISO 8601 with a time zone")
    p.set_defaults(command=cmd_apikey_create)
    p = apikey.add_parser("list", help="list API keys (never their secrets)")
    p.set_defaults(command=cmd_apikey_list)
    p = apikey.add_parser("revoke", help="revoke an API key by its id")
    p.add_argument("key_id")
    p.set_defaults(command=cmd_apikey_revoke)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = audit.add_parser("verify", help="check the audit log's hash chain (exit 1 if broken)")
    p.set_defaults(command=cmd_audit_verify)
    p = audit.add_parser(
        "anchor",
        help="verify, then append the chain's head to LADDNET_AUDIT_ANCHOR (the server does"
        " this after each periodic check)",
    )
    p.set_defaults(command=cmd_audit_anchor)


def _read_password(email: str) -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(f"password for {email}: ")
        if getpass.getpass("again: ") != first:
            from laddnet.cli import CliError

            raise CliError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def cmd_user_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    password = _read_password(args.email) if args.password else None
    container = await _container()
    try:
        account, token = await container.accounts.add_user(
            args.email, args.role, args.site, password, actor=CLI_ACTOR
        )
        base = container.settings.public_base_url
    finally:
        await container.aclose()
    scope = ", ".join(sorted(account.sites)) if account.sites else "every site"
    print(f"account {account.email} ({account.id}) added: role {account.role}, {scope}")
    if token is not None:
        print("one-time setup token (valid 72 h by default; shown only now):")
        print(f'  POST {base}/api/v1/auth/setup with {{"token": "{token}", "password": ...}}')
        print(token)
    print("two-factor authentication is enrolled at the first login (POST /api/v1/me/mfa/totp)")
    return 0


async def cmd_user_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        accounts = await container.accounts.list_users()
    finally:
        await container.aclose()
    print(f"{'EMAIL':<32} {'ROLE':<11} {'2FA':<4} {'STATE':<9} SITES")
    for a in accounts:
        state = "disabled" if a.disabled else ("active" if a.password_hash else "setup")
        sites = ",".join(sorted(a.sites)) if a.sites else "*"
        mfa = "on" if a.totp_enabled else "off"
        print(f"{a.email:<32} {a.role.value:<11} {mfa:<4} {state:<9} {sites}")
    print(f"{len(accounts)} accounts")
    return 0


async def cmd_user_disable(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        account = await container.accounts.find(args.user)
        await container.accounts.set_disabled(account.id, args.disabled, actor=CLI_ACTOR)
    finally:
        await container.aclose()
    state = "disabled; its login sessions ended" if args.disabled else "enabled"
    print(f"account {account.email} {state}")
    return 0


async def cmd_apikey_create(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container

    expires = None
    if args.expires:
        from datetime import datetime

        try:
            expires = datetime.fromisoformat(args.expires)
        except ValueError:
            raise CliError(f"--expires: not an ISO 8601 time: {args.expires}") from None
        if expires.tzinfo is None:
            raise CliError("--expires needs a time zone, e.g. 2027-01-01T00:00:00+00:00")
    container = await _container()
    try:
        key = await container.api_keys.create(
            args.role, args.label, sites=args.site, expires_at=expires, actor=CLI_ACTOR
        )
    finally:
        await container.aclose()
    scope = f" for sites {', '.join(args.site)}" if args.site else ""
    until = f", expiring {expires.isoformat()}" if expires else ""
    print(f"API key with role {args.role}{scope}{until} created; it is shown only once:")
    print(key)
    return 0


async def cmd_apikey_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        keys = await container.api_keys.list()
    finally:
        await container.aclose()
    print(f"{'ID':<13} {'ROLE':<11} {'STATE':<8} {'LAST USED':<20} SITES  LABEL")
    for k in keys:
        state = "revoked" if k.revoked else "active"
        used = k.last_used_at.strftime("%Y-%m-%d %H:%M:%S") if k.last_used_at else "-"
        sites = ",".join(sorted(k.sites)) if k.sites else "*"
        print(f"{k.id:<13} {k.role.value:<11} {state:<8} {used:<20} {sites}  {k.label or ''}")
    return 0


async def cmd_apikey_revoke(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        await container.api_keys.revoke(args.key_id, actor=CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"API key {args.key_id} revoked")
    return 0


async def cmd_audit_anchor(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container

    container = await _container()
    try:
        if not container.settings.audit_anchor:
            raise CliError("set LADDNET_AUDIT_ANCHOR to the anchor file first")
        report = await container.audit.verify()
        anchor = await container.audit.anchor(report)
    finally:
        await container.aclose()
    if anchor is None:
        print("audit log broken or empty: nothing anchored (see laddnet audit verify)")
        return 1
    print(f"anchored {anchor.count} entries, head {anchor.hash}")
    return 0


async def cmd_audit_verify(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        report = await container.audit.verify()
    finally:
        await container.aclose()
    if report.broken is None:
        print(f"audit log intact: {report.checked} entries, head {report.head_hash}")
        return 0
    where = (
        f"entry {report.broken.entry_id}"
        if report.broken.entry_id is not None
        else f"after entry {report.last_good_id}"
    )
    print(f"audit log BROKEN at {where}: {report.broken.reason}", file=sys.stderr)
    print(f"{report.checked} entries before it are intact", file=sys.stderr)
    return 1
