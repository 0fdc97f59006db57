"""The double-entry ledger: every posting is one journal entry whose debits equal its credits.

A CDR posts: debit `receivable:customers` with the total incl. VAT; credit `revenue:<dimension>`
with each dimension's lines (adjustment lines reduce or add to `revenue:adjustments`); credit
`vat_payable:<rate>` with each rate's VAT. A credit CDR (every amount negated) posts the same
accounts the other way round, reversing the CDR it corrects. Later issues post payments,
refunds and fees here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from laddnet.domain.pricing.cdr import Cdr
from laddnet.domain.pricing.tariff import Dimension

RECEIVABLE = "receivable:customers"
REVENUE = "revenue:"
ADJUSTMENTS = "revenue:adjustments"
VAT_PAYABLE = "vat_payable:"
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: str
    debit: Decimal
    credit: Decimal
    dimension: str | None = None
    quantity: Decimal | None = None  # kWh on ENERGY revenue lines


@dataclass(frozen=True, slots=True)
class JournalEntry:
    key: str  # unique: an entry is posted once
    kind: str
    currency: str
    description: str
    occurred_at: datetime
    lines: tuple[JournalLine, ...]
    cdr_id: int | None = None
    site_id: str | None = None
    station_id: str | None = None
    id: int | None = None
    posted_at: datetime | None = None

    def balanced(self) -> bool:
        debits = sum((line.debit for line in self.lines), _ZERO)
        credits = sum((line.credit for line in self.lines), _ZERO)
        return debits == credits


def _signed(account: str, amount: Decimal, dimension: str | None = None,
            quantity: Decimal | None = None) -> JournalLine:  # fmt: skip
    """A credit of `amount`, or a debit when it is negative."""
    if amount < 0:
        return JournalLine(account, -amount, _ZERO, dimension, quantity)
    return JournalLine(account, _ZERO, amount, dimension, quantity)


def cdr_key(cdr_id: int) -> str:
    return f"cdr:{cdr_id}"


def _description(cdr: Cdr) -> str:
    what = f"session {cdr.session_id} at {cdr.station_id}"
    if cdr.kind == "credit":
        return f"credit of CDR {cdr.corrects_cdr_id}: {what}"
    if cdr.kind == "reissue":
        return f"re-issue of CDR {cdr.corrects_cdr_id}: {what}"
    return what


def cdr_entry(cdr: Cdr, cdr_id: int) -> JournalEntry:
    p = cdr.priced
    revenue: dict[str, Decimal] = {}
    kwh = _ZERO
    for line in p.lines:
        known = line.dimension in Dimension.__members__
        dimension = line.dimension if known else "ADJUSTMENT"
        revenue[dimension] = revenue.get(dimension, _ZERO) + line.amount
        if line.dimension == Dimension.ENERGY:
            kwh += line.quantity
    lines = [_signed(RECEIVABLE, -p.total_incl_vat)]  # a debit; a credit CDR's is a credit
    for dimension, amount in revenue.items():
        account = ADJUSTMENTS if dimension == "ADJUSTMENT" else REVENUE + dimension.lower()
        quantity = kwh if dimension == Dimension.ENERGY else None
        lines.append(_signed(account, amount, dimension, quantity))
    for vat in p.vat_lines:
        if vat.vat:
            lines.append(_signed(f"{VAT_PAYABLE}{vat.rate}", vat.vat))
    entry = JournalEntry(
        key=cdr_key(cdr_id),
        kind="cdr",
        currency=p.currency,
        description=_description(cdr),
        occurred_at=cdr.stopped_at,
        lines=tuple(lines),
        cdr_id=cdr_id,
        site_id=cdr.site_id,
        station_id=cdr.station_id,
    )
    if not entry.balanced():  # the totals make this impossible; never post an unbalanced entry
        raise ValueError(f"unbalanced entry for CDR {cdr_id}")
    return entry
