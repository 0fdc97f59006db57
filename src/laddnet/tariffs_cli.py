"""`laddnet tariff add|list|show|assign|preview`: tariffs straight in the database, registered
on the parser by `laddnet.cli`. Changes are audited with actor "cli"."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from laddnet.sites_cli import CLI_ACTOR


def add_tariff_commands(sub: Any) -> None:
    tariff = sub.add_parser("tariff", help="manage tariffs and where they apply").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = tariff.add_parser("add", help="create a tariff, or a new version of one, from JSON")
    p.add_argument("file", help="the tariff as JSON (OCPI 2.2.1 fields plus name); - for stdin")
    p.add_argument("--id", help="tariff id (default: the file's id, else generated)")
    p.add_argument("--name", help="overrides the file's name")
    p.add_argument("--new-version", action="store_true", help="the tariff exists: add a version")
    p.set_defaults(command=cmd_tariff_add)
    p = tariff.add_parser("list", help="list tariffs (current versions)")
    p.set_defaults(command=cmd_tariff_list)
    p = tariff.add_parser("show", help="print a tariff version as JSON")
    p.add_argument("tariff_id")
    p.add_argument("--version", type=int)
    p.set_defaults(command=cmd_tariff_show)
    p = tariff.add_parser("assign", help="assign a tariff to a site, a station or an EVSE")
    p.add_argument("tariff_id")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--site")
    target.add_argument("--station")
    p.add_argument("--evse", type=int, help="with --station: only this EVSE")
    p.add_argument(
        "--customer-group",
        choices=["ad_hoc", "member", "fleet", "roaming"],
        help="only for sessions of this customer group (their token's)",
    )
    p.set_defaults(command=cmd_tariff_assign)
    p = tariff.add_parser("preview", help="price a described session; nothing is stored")
    p.add_argument("tariff_id")
    p.add_argument("--start", required=True, help="ISO 8601 with a time zone")
    p.add_argument("--stop", required=True, help="ISO 8601 with a time zone")
    p.add_argument("--kwh", required=True, help="energy charged, e.g. 20.45")
    p.add_argument("--charging-ended", help="when charging ended (parked after it)")
    p.add_argument("--time-zone", default="Europe/Stockholm")
    p.set_defaults(command=cmd_tariff_preview)


def _read(file: str) -> dict[str, Any]:
    import sys

    from laddnet.cli import CliError

    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise CliError(f"{file}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CliError(f"{file}: a JSON object")
    return data


def _time(text: str | None, name: str) -> datetime | None:
    from laddnet.cli import CliError

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--{name}: not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise CliError(f"--{name}: give a time zone (e.g. +01:00 or Z)")
    return value


async def cmd_tariff_add(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.pricing.records import TariffId

    body = _read(args.file)
    if args.id:
        body["id"] = args.id
    if args.name:
        body["name"] = args.name
    if args.new_version and not isinstance(body.get("id"), str):
        from laddnet.cli import CliError

        raise CliError('--new-version needs the tariff\'s id (--id, or "id" in the file)')
    container = await _container()
    try:
        if args.new_version:
            stored = await container.tariffs.update_tariff(TariffId(body["id"]), body, CLI_ACTOR)
        else:
            stored = await container.tariffs.create_tariff(body, CLI_ACTOR)
    finally:
        await container.aclose()
    print(f"tariff {stored.tariff_id} version {stored.version} stored")
    return 0


async def cmd_tariff_list(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        items, total = await container.tariffs.list(limit=10_000)
    finally:
        await container.aclose()
    print(f"{'ID':<24} {'VERSION':>7} {'CURRENCY':<8} NAME")
    for t in items:
        print(f"{t.tariff_id:<24} {t.version:>7} {t.tariff.currency:<8} {t.name}")
    print(f"{total} tariffs")
    return 0


async def cmd_tariff_show(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.pricing.records import TariffId
    from laddnet.domain.pricing.serialize import tariff_to_json

    container = await _container()
    try:
        stored = await container.tariffs.get(TariffId(args.tariff_id), args.version)
    finally:
        await container.aclose()
    shown = {"id": stored.tariff_id, "name": stored.name, "version": stored.version}
    print(json.dumps({**shown, **tariff_to_json(stored.tariff)}, indent=2, ensure_ascii=False))
    return 0


async def cmd_tariff_assign(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.pricing.records import CustomerGroup, TargetKind, TariffId

    if args.evse is not None and args.station is None:
        raise CliError("--evse needs --station")
    if args.site is not None:
        kind, target = TargetKind.SITE, args.site
    else:
        kind = TargetKind.EVSE if args.evse is not None else TargetKind.STATION
        target = args.station
    container = await _container()
    try:
        group = CustomerGroup(args.customer_group) if args.customer_group else None
        await container.tariffs.assign(
            kind, target, args.evse or 0, TariffId(args.tariff_id), CLI_ACTOR, group
        )
    finally:
        await container.aclose()
    where = f"{target} EVSE {args.evse}" if args.evse is not None else target
    for_group = f" for {args.customer_group}" if args.customer_group else ""
    print(f"tariff {args.tariff_id} assigned to {kind.value} {where}{for_group}")
    return 0


async def cmd_tariff_preview(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.pricing.preview import DescribedSession
    from laddnet.domain.pricing.records import TariffId

    start, stop = _time(args.start, "start"), _time(args.stop, "stop")
    assert start is not None and stop is not None
    try:
        kwh = Decimal(args.kwh)
    except ArithmeticError:
        raise CliError("--kwh: a number, e.g. 20.45") from None
    described = DescribedSession(start, stop, kwh, _time(args.charging_ended, "charging-ended"))
    container = await _container()
    try:
        stored, priced = await container.tariffs.preview(
            TariffId(args.tariff_id), described, args.time_zone
        )
    finally:
        await container.aclose()
    print(f"tariff {stored.tariff_id} version {stored.version}, {priced.currency}")
    for line in priced.lines:
        print(
            f"  {line.dimension:<13} {line.quantity:>12} {line.unit:<7} x {line.unit_price:>8}"
            f" = {line.amount:>10}  VAT {line.vat_rate if line.vat_rate is not None else '-'} %"
        )
    for vat in priced.vat_lines:
        rate = "-" if vat.rate is None else vat.rate
        print(f"  VAT {rate} % on {vat.base}: {vat.vat}")
    print(f"total excl. VAT {priced.total_excl_vat}, VAT {priced.total_vat}, "
          f"incl. VAT {priced.total_incl_vat}")  # fmt: skip
    return 0
