"""The audit log (admins): filtered pages as JSON, or everything matching as CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from laddnet.api.deps import ContainerDep, PageDep
from laddnet.api.params import Instant
from laddnet.api.schemas.accounts import AuditEntryOut, AuditPage
from laddnet.domain.errors import InvalidInput

router = APIRouter(tags=["audit"])

_CSV_LIMIT = 100_000
# Instant: a time beyond what UTC can hold (9999-12-31T23:59-23:59) is a 422, not a 500.
Since = Annotated[Instant | None, Query(description="Entries at or after this time.")]
Until = Annotated[Instant | None, Query(description="Entries before this time.")]
Actor = Annotated[
    str | None, Query(max_length=64, description="e.g. user:<id>, apikey:<id>, cli, anonymous")
]
Action = Annotated[str | None, Query(max_length=64, description="e.g. auth.login_failed")]


@router.get("/audit", summary="Audit log entries, newest first")
async def audit(
    container: ContainerDep,
    page: PageDep,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    action: Action = None,
) -> AuditPage:
    if since is not None and until is not None and until < since:
        raise InvalidInput("query parameter 'until' is before 'since'")
    rows, total = await container.audit.search(
        since=since, until=until, actor=actor, action=action, limit=page.limit, offset=page.offset
    )
    return AuditPage(
        items=[AuditEntryOut.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/audit.csv",
    summary="Audit log entries as CSV, newest first (up to 100,000)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
async def audit_csv(
    container: ContainerDep,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    action: Action = None,
) -> Response:
    rows, _total = await container.audit.search(
        since=since, until=until, actor=actor, action=action, limit=_CSV_LIMIT, offset=0
    )
    out = io.StringIO()
    fields = list(AuditEntryOut.model_fields)
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        entry = AuditEntryOut.from_row(row).model_dump(mode="json")
        writer.writerow(
            [json.dumps(entry[f], sort_keys=True) if f == "detail" else entry[f] for f in fields]
        )
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)
