"""Charging sessions: filtered list, one session, and its meter samples."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from laddnet.api.deps import ContainerDep, PageDep, PrincipalDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.params import Instant, SessionRowId
from laddnet.api.schemas.reviews import ReviewOut
from laddnet.api.schemas.sessions import CostSoFar, MeterSampleOut, SessionOut, SessionPage
from laddnet.domain.errors import InvalidInput, UnknownSession
from laddnet.domain.sessions.model import SessionStatus

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.get("", summary="List sessions, newest start first")
async def list_sessions(
    container: ContainerDep,
    page: PageDep,
    principal: PrincipalDep,
    station_id: Annotated[str | None, Query(description="Only this station's sessions.")] = None,
    since: Annotated[
        Instant | None,
        Query(description="Sessions started at or after this time (ISO-8601 with timezone)."),
    ] = None,
    until: Annotated[
        Instant | None,
        Query(description="Sessions started before this time (ISO-8601 with timezone)."),
    ] = None,
) -> SessionPage:
    if since is not None and until is not None and until < since:
        raise InvalidInput("query parameter 'until' is before 'since'")
    sessions, total = await container.queries.sessions(
        station_id=station_id,
        since=since,
        until=until,
        limit=page.limit,
        offset=page.offset,
        sites=principal.sites,
    )
    return SessionPage(
        items=[SessionOut.from_domain(s) for s in sessions],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{session_id}", summary="One session", responses=NOT_FOUND_RESPONSE)
async def get_session(session_id: SessionRowId, container: ContainerDep) -> SessionOut:
    session = await container.queries.session(session_id)
    if session is None:
        raise UnknownSession(f"session {session_id} not found")
    out = SessionOut.from_domain(session)
    if session.status is SessionStatus.ACTIVE:
        cost = await container.cdrs.cost_so_far(session_id)
        if cost is not None:
            tariff_id, version, priced = cost
            out.cost_so_far = CostSoFar(
                tariff_id=tariff_id,
                tariff_version=version,
                currency=priced.currency,
                total_excl_vat=str(priced.total_excl_vat),
                total_vat=str(priced.total_vat),
                total_incl_vat=str(priced.total_incl_vat),
            )
    if session.review_required:
        review = await container.cdrs.review_of(session_id)
        out.review = None if review is None else ReviewOut.from_domain(review)
    return out


@router.get(
    "/{session_id}/meter-values",
    summary="A session's meter samples, in station time order",
    responses=NOT_FOUND_RESPONSE,
)
async def get_meter_values(
    session_id: SessionRowId, container: ContainerDep
) -> list[MeterSampleOut]:
    if await container.queries.session(session_id) is None:
        raise UnknownSession(f"session {session_id} not found")
    samples = await container.queries.session_samples(session_id)
    return [MeterSampleOut.from_domain(s) for s in samples]
