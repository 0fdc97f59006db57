"""Ledger and revenue responses: amounts as decimal strings."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.tariffs import AMOUNT_DOC
from laddnet.domain.pricing.ledger import JournalEntry


class AccountOut(BaseModel):
    account: str = Field(description="receivable:..., revenue:<dimension>, vat_payable:<rate>")
    currency: str
    debit: str = Field(description=AMOUNT_DOC)
    credit: str = Field(description=AMOUNT_DOC)
    balance: str = Field(description=f"Debits minus credits. {AMOUNT_DOC}")
    lines: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AccountOut:
        return cls(
            account=row["account"],
            currency=row["currency"],
            debit=str(row["debit"]),
            credit=str(row["credit"]),
            balance=str(row["balance"]),
            lines=row["lines"],
        )


class JournalLineOut(BaseModel):
    account: str
    debit: str = Field(description=AMOUNT_DOC)
    credit: str = Field(description=AMOUNT_DOC)
    dimension: str | None
    quantity: str | None = Field(description="kWh on ENERGY revenue lines.")


class JournalEntryOut(BaseModel):
    id: int | None
    key: str = Field(description="Unique: an entry is posted once (cdr:<id> for a CDR).")
    kind: str
    currency: str
    description: str
    occurred_at: UtcDateTime
    posted_at: UtcDateTime | None
    cdr_id: int | None
    site_id: str | None
    station_id: str | None
    lines: list[JournalLineOut]

    @classmethod
    def from_domain(cls, entry: JournalEntry) -> JournalEntryOut:
        return cls(
            id=entry.id,
            key=entry.key,
            kind=entry.kind,
            currency=entry.currency,
            description=entry.description,
            occurred_at=entry.occurred_at,
            posted_at=entry.posted_at,
            cdr_id=entry.cdr_id,
            site_id=entry.site_id,
            station_id=entry.station_id,
            lines=[
                JournalLineOut(
                    account=line.account,
                    debit=str(line.debit),
                    credit=str(line.credit),
                    dimension=line.dimension,
                    quantity=None if line.quantity is None else str(line.quantity),
                )
                for line in entry.lines
            ],
        )


class JournalPage(BaseModel):
    items: list[JournalEntryOut]
    total: int
    limit: int
    offset: int


class LedgerCheckOut(BaseModel):
    ok: bool
    entries: int
    cdrs: int
    unbalanced_entries: list[int]
    cdrs_not_posted: list[int]
    cdrs_posted_more_than_once: list[int]
    cdrs_posted_with_another_total: list[int]
    credits_not_reversing_their_cdr: list[int] = Field(
        default_factory=list,
        description="Credit CDRs whose total is not the negated total of the CDR they correct.",
    )


class RevenueRowOut(BaseModel):
    period: str = Field(description="The UTC day (YYYY-MM-DD) or month (YYYY-MM) sessions stopped.")
    site_id: str | None
    station_id: str | None
    currency: str
    dimension: str
    revenue_excl_vat: str = Field(description=AMOUNT_DOC)
    energy_kwh: str
    average_price_per_kwh: str | None = Field(description="ENERGY rows: revenue / kWh.")


class RevenueReport(BaseModel):
    rows: list[RevenueRowOut]


REVENUE_CSV_COLUMNS = tuple(RevenueRowOut.model_fields)
