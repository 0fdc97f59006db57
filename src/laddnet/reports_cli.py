"""`laddnet report uptime`: uptime per connector, station and site, straight from the database."""

from __future__ import annotations

import argparse
from typing import Any


def report_commands(sub: Any) -> Any:
    """The `laddnet report` subcommands, made on first use: maintenance (uptime, repair times)
    and the ledger (revenue) both add reports to it."""
    parser = sub.choices.get("report")
    if parser is None:
        parser = sub.add_parser("report", help="reports: uptime, repair times, revenue")
        parser.set_defaults(report_commands=parser.add_subparsers(required=True, metavar="REPORT"))
    return parser.get_default("report_commands")


def register(sub: Any) -> None:
    report = report_commands(sub)
    p = report.add_parser(
        "uptime",
        help="uptime per connector, station and site (maintenance and exclusions left out)",
    )
    p.add_argument("--from", dest="start", required=True, help="a date (site's local) or time")
    p.add_argument("--to", dest="end", required=True, help="exclusive; a date or a time")
    p.add_argument("--site", help="one site's stations")
    p.add_argument("--csv", action="store_true", help="CSV, one line per connector")
    p.set_defaults(command=cmd_report_uptime)
    p = report.add_parser(
        "repair-times", help="mean time to acknowledge and to repair, per site and month"
    )
    p.add_argument("--from", dest="start", required=True, help="a date or a time")
    p.add_argument("--to", dest="end", required=True, help="exclusive")
    p.add_argument("--site", help="one site's tickets (dates in its time zone)")
    p.set_defaults(command=cmd_report_repair_times)


async def cmd_report_repair_times(args: argparse.Namespace) -> int:
    from laddnet.cli import _container
    from laddnet.domain.maintenance.uptime import minutes

    container = await _container()
    try:
        months = await container.maintenance.uptime.repair_times(args.start, args.end, args.site)
    finally:
        await container.aclose()
    print(f"{'SITE':<20} {'MONTH':<8} {'TICKETS':>7} {'MTTA MIN':>10} {'MTTR MIN':>10}")
    for m in months:
        ack, fix = m.mean_to_acknowledge, m.mean_to_repair
        print(
            f"{m.site_id or '(none)':<20} {m.month:<8} {m.opened:>7} "
            f"{minutes(ack) if ack is not None else '-':>10} "
            f"{minutes(fix) if fix is not None else '-':>10}"
        )
    return 0


async def cmd_report_uptime(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        report = await container.maintenance.uptime.report(args.start, args.end, args.site)
    finally:
        await container.aclose()
    if args.csv:
        from laddnet.api.schemas.reports import uptime_csv

        print(uptime_csv(report), end="")
        return 0
    from laddnet.domain.maintenance.uptime import Figures, minutes

    def line(name: str, f: Figures) -> str:
        percent = f"{f.percent}%" if f.percent is not None else "-"
        return (
            f"{name:<32} {minutes(f.up):>10} {minutes(f.down):>10} "
            f"{minutes(f.excluded):>10} {minutes(f.unknown):>10} {percent:>8}"
        )

    print(
        f"{'CONNECTOR / STATION / SITE':<32} {'UP MIN':>10} {'DOWN MIN':>10} "
        f"{'EXCLUDED':>10} {'UNKNOWN':>10} {'UPTIME':>8}"
    )
    for c in report.connectors:
        print(line(f"{c.station_id} {c.evse_id}/{c.connector_id}", c.figures))
    for station_id, f in report.by_station().items():
        print(line(f"station {station_id}", f))
    for site_id, f in report.by_site().items():
        print(line(f"site {site_id or '(none)'}", f))
    print(line("total", report.total()))
    return 0
