"""`laddnet ledger check|accounts` and `laddnet report revenue`: read straight from the database,
registered on the parser by `laddnet.cli`."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from typing import Any

from laddnet.reports_cli import report_commands


def add_ledger_commands(sub: Any) -> None:
    ledger = sub.add_parser("ledger", help="the double-entry ledger").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = ledger.add_parser(
        "check", help="verify every entry balances and every CDR is posted exactly once"
    )
    p.set_defaults(command=cmd_ledger_check)
    p = ledger.add_parser("accounts", help="every account's debits, credits and balance")
    p.set_defaults(command=cmd_ledger_accounts)
    p = report_commands(sub).add_parser(
        "revenue", help="revenue by period, site, station, dimension (CSV)"
    )
    p.add_argument("--from", dest="since", help="ISO 8601 date or time (UTC if no zone)")
    p.add_argument("--to", dest="until", help="ISO 8601 date or time, exclusive")
    p.add_argument("--period", choices=["day", "month"], default="day")
    p.set_defaults(command=cmd_report_revenue)


def _when(text: str | None, flag: str) -> datetime | None:
    from datetime import UTC

    from laddnet.cli import CliError

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag}: not an ISO 8601 date or time (e.g. 2026-11-01)") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def cmd_ledger_check(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        result = await container.ledger.check()
    finally:
        await container.aclose()
    print(f"{result['entries']} entries, {result['cdrs']} CDRs")
    problems = {k: v for k, v in result.items() if isinstance(v, list) and v}
    for name, ids in problems.items():
        print(f"{name.replace('_', ' ')}: {', '.join(map(str, ids))}")
    print("ledger OK" if result["ok"] else "ledger NOT OK")
    return 0 if result["ok"] else 1


async def cmd_ledger_accounts(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        rows = await container.ledger.accounts()
    finally:
        await container.aclose()
    print(f"{'ACCOUNT':<32} {'CUR':<4} {'DEBIT':>14} {'CREDIT':>14} {'BALANCE':>14}")
    for r in rows:
        print(
            f"{r['account']:<32} {r['currency']:<4} {r['debit']:>14} {r['credit']:>14} "
            f"{r['balance']:>14}"
        )
    return 0


async def cmd_report_revenue(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.pricing.reports import Period

    since, until = _when(args.since, "--from"), _when(args.until, "--to")
    container = await _container()
    try:
        rows = await container.ledger.revenue(since=since, until=until, period=Period(args.period))
    finally:
        await container.aclose()
    columns = (
        "period", "site_id", "station_id", "currency", "dimension", "revenue_excl_vat",
        "energy_kwh", "average_price_per_kwh",
    )  # fmt: skip
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_json())
    return 0
