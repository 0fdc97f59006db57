"""Charge detail records: one session's, and a filtered list (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from laddnet.api.deps import ContainerDep, FinanceDep, PageDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import Instant, SessionRowId
from laddnet.api.schemas.cdrs import CSV_COLUMNS, CdrHistory, CdrOut, CdrPage
from laddnet.api.schemas.reviews import ReviewBody, ReviewOut
from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.review import ReviewDecision

router = APIRouter(tags=["cdrs"])
CSV_LIMIT = 100_000


@router.get(
    "/sessions/{session_id}/cdr",
    summary="The session's charge detail record (404 says why there is none)",
    responses=NOT_FOUND_RESPONSE,
)
async def session_cdr(session_id: SessionRowId, container: ContainerDep) -> CdrOut:
    out = CdrOut.from_domain(await container.cdrs.for_session(session_id))
    review = await container.cdrs.review_of(session_id)
    out.review = None if review is None else ReviewOut.from_domain(review)
    return out


@router.get(
    "/sessions/{session_id}/cdrs",
    summary="Every CDR of the session: the original, then credit and re-issue pairs",
    responses=NOT_FOUND_RESPONSE,
)
async def session_cdrs(session_id: SessionRowId, container: ContainerDep) -> CdrHistory:
    history = await container.cdrs.history(session_id)
    effective = next(c for c in reversed(history) if not c.credit)
    assert effective.id is not None
    total = sum((c.priced.total_incl_vat for c in history), Decimal(0))
    return CdrHistory(
        session_id=session_id,
        effective_cdr_id=effective.id,
        total_incl_vat=str(total),
        currency=effective.currency,
        items=[CdrOut.from_domain(c) for c in history],
    )


@router.post(
    "/sessions/{session_id}/review",
    summary="Decide on a session flagged for review: approve (it gets its CDR) or void",
    responses=WRITE_RESPONSES,
)
async def review_session(
    session_id: SessionRowId, body: ReviewBody, container: ContainerDep, writer: FinanceDep
) -> ReviewOut:
    review = await container.cdrs.review(
        session_id, ReviewDecision(body.decision), body.energy_wh, writer.actor
    )
    return ReviewOut.from_domain(review)


@router.get(
    "/cdrs",
    summary="Charge detail records by stop time, oldest first (format=csv: all of them as CSV)",
    response_model=CdrPage,
    responses={200: {"content": {"text/csv": {}}}},
)
async def list_cdrs(
    container: ContainerDep,
    page: PageDep,
    since: Annotated[Instant | None, Query(description="Stopped at or after.")] = None,
    until: Annotated[Instant | None, Query(description="Stopped before.")] = None,
    station_id: str | None = None,
    site_id: str | None = None,
    format: Literal["json", "csv"] = "json",
) -> CdrPage | Response:
    if since is not None and until is not None and until < since:
        raise InvalidInput("query parameter 'until' is before 'since'")
    as_csv = format == "csv"
    items, total = await container.cdrs.list(
        since=since,
        until=until,
        station_id=station_id,
        site_id=site_id,
        limit=CSV_LIMIT if as_csv else page.limit,
        offset=0 if as_csv else page.offset,
    )
    if not as_csv:
        return CdrPage(
            items=[CdrOut.from_domain(c) for c in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for cdr in items:
        writer.writerow(cdr.to_json())
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
