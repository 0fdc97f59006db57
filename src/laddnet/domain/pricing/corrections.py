"""Correcting CDRs: what was billed is never changed. When data that arrives after a session's
CDR (a late meter value, a late transaction event) changes its price, a credit reverses the CDR
in effect and a re-issue replaces it, so the session's CDRs always add up to what it costs now
and every step can be explained."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from laddnet.domain.pricing.cdr import Cdr, CdrKind
from laddnet.domain.pricing.result import PricedSession, VatLine


def same_billing(a: PricedSession, b: PricedSession) -> bool:
    """True when the two would bill the same: same lines, VAT and totals (quantities too)."""
    return (
        a.currency == b.currency
        and a.lines == b.lines
        and a.vat_lines == b.vat_lines
        and a.total_incl_vat == b.total_incl_vat
        and a.energy_wh == b.energy_wh
        and int(a.charging_seconds) == int(b.charging_seconds)
        and int(a.parking_seconds) == int(b.parking_seconds)
    )


def negated(priced: PricedSession) -> PricedSession:
    """Every amount and quantity with its sign turned (unit prices and rates kept)."""
    return PricedSession(
        currency=priced.currency,
        lines=tuple(
            dataclasses.replace(line, quantity=-line.quantity, amount=-line.amount)
            for line in priced.lines
        ),
        vat_lines=tuple(VatLine(v.rate, -v.base, -v.vat) for v in priced.vat_lines),
        total_excl_vat=-priced.total_excl_vat,
        total_vat=-priced.total_vat,
        total_incl_vat=-priced.total_incl_vat,
        energy_wh=-priced.energy_wh,
        charging_seconds=-priced.charging_seconds,
        parking_seconds=-priced.parking_seconds,
    )


def correction(effective: Cdr, repriced: Cdr, now: datetime) -> tuple[Cdr, Cdr] | None:
    """The credit and the re-issue that correct `effective` (the session's CDR in effect, with
    its id) to `repriced` (the session priced now); None when the price did not change."""
    assert effective.id is not None and effective.kind != CdrKind.CREDIT
    if same_billing(effective.priced, repriced.priced):
        return None
    credit = dataclasses.replace(
        effective,
        id=None,
        priced=negated(effective.priced),
        issued_at=now,
        seq=effective.seq + 1,
        kind=CdrKind.CREDIT,
        corrects_cdr_id=effective.id,
    )
    reissue = dataclasses.replace(
        repriced,
        id=None,
        issued_at=now,
        seq=effective.seq + 2,
        kind=CdrKind.REISSUE,
        corrects_cdr_id=effective.id,
    )
    return credit, reissue
