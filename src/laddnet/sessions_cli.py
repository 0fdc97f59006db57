"""`laddnet session cdrs ID`: a session's CDRs, corrections included.

`laddnet session review ID --approve [--energy-wh N] | --void`: an operator's decision on a
session flagged for review, straight in the database (audited with actor "cli"), registered on
the parser by `laddnet.cli`. An approved session gets its CDR and ledger posting at once."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any


def add_session_commands(sub: Any) -> None:
    session = sub.add_parser("session", help="charging sessions").add_subparsers(
        required=True, metavar="ACTION"
    )
    p = session.add_parser(
        "review", help="approve (it gets its CDR) or void (never billed) a flagged session"
    )
    p.add_argument("session_id", type=int, metavar="ID")
    decision = p.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true", help="bill it")
    decision.add_argument("--void", action="store_true", help="never bill it")
    p.add_argument("--energy-wh", help="with --approve: the corrected energy in Wh (exact)")
    p.set_defaults(command=cmd_session_review)
    p = session.add_parser(
        "cdrs", help="a session's CDRs: the original, then credit and re-issue pairs"
    )
    p.add_argument("session_id", type=int, metavar="ID")
    p.set_defaults(command=cmd_session_cdrs)


async def cmd_session_cdrs(args: argparse.Namespace) -> int:
    from laddnet.cli import _container

    container = await _container()
    try:
        history = await container.cdrs.history(args.session_id)
    finally:
        await container.aclose()
    print(f"{'CDR':>8} {'SEQ':>4} {'KIND':<9} {'CORRECTS':>8} {'ENERGY_WH':>12} {'TOTAL':>12} CUR")
    for c in history:
        p = c.priced
        corrects = "" if c.corrects_cdr_id is None else str(c.corrects_cdr_id)
        print(
            f"{c.id:>8} {c.seq:>4} {c.kind:<9} {corrects:>8} {p.energy_wh!s:>12} "
            f"{p.total_incl_vat!s:>12} {p.currency}"
        )
    return 0


async def cmd_session_review(args: argparse.Namespace) -> int:
    from laddnet.cli import CliError, _container
    from laddnet.domain.pricing.review import ReviewDecision

    energy: Decimal | None = None
    if args.energy_wh is not None:
        if args.void:
            raise CliError("--energy-wh: only with --approve (a void session is not billed)")
        try:
            energy = Decimal(args.energy_wh)
        except InvalidOperation:
            raise CliError("--energy-wh: a number of Wh, e.g. 7500.5") from None
    decision = ReviewDecision.APPROVE if args.approve else ReviewDecision.VOID
    container = await _container()
    try:
        review = await container.cdrs.review(args.session_id, decision, energy, "cli")
        print(f"session {review.session_id}: {review.decision.value}")
        if decision is ReviewDecision.APPROVE:
            await container.cdrs.issue(args.session_id)
            cdr = await container.cdrs.for_session(args.session_id)
            p = cdr.priced
            print(f"CDR {cdr.id}: {p.energy_wh} Wh, {p.total_incl_vat} {p.currency} incl. VAT")
    finally:
        await container.aclose()
    return 0
