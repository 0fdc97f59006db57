"""The ledger (accounts, entries, integrity check) and the revenue report derived from it."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from laddnet.api.deps import ContainerDep, PageDep
from laddnet.api.params import Instant
from laddnet.api.schemas.ledger import (
    REVENUE_CSV_COLUMNS,
    AccountOut,
    JournalEntryOut,
    JournalPage,
    LedgerCheckOut,
    RevenueReport,
    RevenueRowOut,
)
from laddnet.domain.pricing.reports import Period

router = APIRouter(tags=["ledger"])
_SINCE = Query(description="At or after (ISO-8601 with timezone).")
_UNTIL = Query(description="Before (ISO-8601 with timezone).")


@router.get("/ledger/accounts", summary="Every account's debits, credits and balance")
async def accounts(container: ContainerDep) -> list[AccountOut]:
    return [AccountOut.from_row(r) for r in await container.ledger.accounts()]


@router.get("/ledger/entries", summary="Journal entries by the time of what they record")
async def entries(
    container: ContainerDep,
    page: PageDep,
    since: Annotated[Instant | None, _SINCE] = None,
    until: Annotated[Instant | None, _UNTIL] = None,
) -> JournalPage:
    items, total = await container.ledger.entries(
        since=since, until=until, limit=page.limit, offset=page.offset
    )
    return JournalPage(
        items=[JournalEntryOut.from_domain(e) for e in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/ledger/check", summary="Every entry balances; every CDR is posted exactly once")
async def check(container: ContainerDep) -> LedgerCheckOut:
    return LedgerCheckOut.model_validate(await container.ledger.check())


@router.get(
    "/reports/revenue",
    summary="Revenue excl. VAT by period, site, station and dimension, from the ledger",
    response_model=RevenueReport,
    responses={200: {"content": {"text/csv": {}}}},
)
async def revenue(
    container: ContainerDep,
    since: Annotated[Instant | None, _SINCE] = None,
    until: Annotated[Instant | None, _UNTIL] = None,
    period: Period = Period.DAY,
    format: Literal["json", "csv"] = "json",
) -> RevenueReport | Response:
    rows = await container.ledger.revenue(since=since, until=until, period=period)
    if format == "json":
        return RevenueReport(rows=[RevenueRowOut.model_validate(r.to_json()) for r in rows])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REVENUE_CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_json())
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
