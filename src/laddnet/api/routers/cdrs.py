"""Charge detail records: one session's, and a filtered list (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from laddnet.api.deps import ContainerDep, PageDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.params import Instant, RowId
from laddnet.api.schemas.cdrs import CSV_COLUMNS, CdrOut, CdrPage
from laddnet.domain.errors import InvalidInput

router = APIRouter(tags=["cdrs"])
CSV_LIMIT = 100_000


@router.get(
    "/sessions/{session_id}/cdr",
    summary="The session's charge detail record (404 says why there is none)",
    responses=NOT_FOUND_RESPONSE,
)
async def session_cdr(session_id: RowId, container: ContainerDep) -> CdrOut:
    return CdrOut.from_domain(await container.cdrs.for_session(session_id))


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
