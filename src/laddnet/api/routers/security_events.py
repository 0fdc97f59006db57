"""Security events: failed and refused station logins, throttling, certificate and profile
changes, what stations report. They name addresses, so reading them needs operator or admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from laddnet.api.deps import WRITER_ROLES, ContainerDep, PrincipalDep
from laddnet.api.errors import ERROR_RESPONSES
from laddnet.api.schemas import UtcDateTime
from laddnet.domain.errors import NotAuthorized
from laddnet.domain.security.model import SecurityEventKind

router = APIRouter(tags=["security"])


class SecurityEventOut(BaseModel):
    id: int
    kind: SecurityEventKind | str = Field(description="e.g. bad_credentials, login_throttled")
    station_id: str | None
    detail: str
    remote_address: str | None
    occurred_at: UtcDateTime


class SecurityEventsOut(BaseModel):
    items: list[SecurityEventOut] = Field(description="Newest first.")


@router.get(
    "/security-events",
    summary="Security events, newest first (operator or admin)",
    responses=ERROR_RESPONSES,
)
async def security_events(
    container: ContainerDep,
    principal: PrincipalDep,
    station_id: Annotated[str | None, Query(max_length=48)] = None,
    kind: Annotated[SecurityEventKind | None, Query(description="Only this kind")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> SecurityEventsOut:
    if principal.role not in WRITER_ROLES:
        raise NotAuthorized("security events name addresses: they need an operator or admin key")
    rows = await container.queries.security_events(
        limit, station_id=station_id, kind=kind.value if kind else None
    )
    return SecurityEventsOut(items=[SecurityEventOut.model_validate(r) for r in rows])
