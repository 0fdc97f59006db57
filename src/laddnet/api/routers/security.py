"""Security events: refused logins, stray answers, implausible station data (docs/security.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from laddnet.api.deps import ContainerDep, PageDep
from laddnet.api.errors import WRITE_RESPONSES
from laddnet.api.schemas.security import SecurityEventOut, SecurityEventPage
from laddnet.domain.security.model import SecurityEventKind

router = APIRouter(prefix="/security-events", tags=["security"])


@router.get(
    "",
    summary="Security events, newest first (operator and admin keys)",
    responses={403: WRITE_RESPONSES[403]},
)
async def list_security_events(
    container: ContainerDep,
    page: PageDep,
    station_id: Annotated[str | None, Query(description="Only this station's events.")] = None,
    kind: Annotated[SecurityEventKind | None, Query(description="Only this kind.")] = None,
) -> SecurityEventPage:
    # They name peers' addresses and which ids were tried: permission security:read.
    rows, total = await container.queries.security_event_page(
        station_id=station_id,
        kind=kind.value if kind is not None else None,
        limit=page.limit,
        offset=page.offset,
    )
    return SecurityEventPage(
        items=[SecurityEventOut.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
