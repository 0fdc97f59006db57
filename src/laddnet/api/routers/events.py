"""The live event stream: Server-Sent Events, filterable, resumable with Last-Event-ID."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from laddnet.api.deps import ContainerDep, PrincipalDep
from laddnet.api.params import INT64_MAX
from laddnet.domain.accounts.roles import Permission
from laddnet.domain.errors import InvalidInput
from laddnet.domain.events import ALL_EVENTS, Event, EventType
from laddnet.services.events.stream import REPLAY_LIMIT
from laddnet.services.events.webhooks import KNOWN_EVENTS

router = APIRouter(prefix="/events", tags=["events"])
_SECURITY = EventType.SECURITY_EVENT_RECORDED.value

_DESCRIPTION = f"""A `text/event-stream` of events as they are committed. Each event has an
`id:` (the event id), `event:` (its type) and `data:` (JSON `{{id, type, time, station_id,
data}}`); comment lines keep a quiet connection alive. A client that reconnects with the
`Last-Event-ID` header (or `?last_event_id=`) first gets the events it missed, at most the
newest {REPLAY_LIMIT} of the last 24 hours, then the live stream, without duplicates. A client
that falls too far behind is disconnected; it resumes the same way."""


def _frame(event: Event) -> bytes:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.to_json()}\n\n".encode()


def _parse_types(types: str | None) -> list[str] | None:
    if types is None:
        return None
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    unknown = sorted(set(wanted) - KNOWN_EVENTS - {ALL_EVENTS})
    if unknown:
        raise InvalidInput(f"unknown event types: {', '.join(unknown)}")
    return wanted or None


def _parse_last_id(header: str | None, query: int | None) -> int | None:
    if header is not None and header.strip():
        try:
            value = int(header.strip())
        except ValueError:
            value = -1
        if not 0 <= value <= INT64_MAX:
            raise InvalidInput("header 'Last-Event-ID' must be an event id (0 to 2^63-1)")
        return value
    return query


@router.get(
    "",
    summary="Live events (Server-Sent Events)",
    description=_DESCRIPTION,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream_events(
    container: ContainerDep,
    principal: PrincipalDep,
    types: Annotated[
        str | None, Query(description="Comma-separated event types, e.g. session.started.")
    ] = None,
    station_id: Annotated[str | None, Query(description="Only this station's events.")] = None,
    last_event_id: Annotated[
        int | None,
        Query(ge=0, le=INT64_MAX, description="Resume after this event id (or the header)."),
    ] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    wanted = _parse_types(types)
    resume = _parse_last_id(last_event_id_header, last_event_id)
    events = container.events
    sees_security = principal.may(Permission.SECURITY_READ)
    allowed = None
    if principal.sites is not None:  # a site scope sees its sites' stations' events only
        scoped, _total = await container.queries.stations(
            limit=1_000_000, include_decommissioned=True, sites=principal.sites
        )
        allowed = frozenset(s.id for s in scoped)

    async def body() -> AsyncIterator[bytes]:
        async with events.streams.open(wanted, station_id, resume, allowed) as stream:
            yield b": connected\nretry: 3000\n\n"
            async for event in stream.items(events.keepalive):
                if event is not None and event.type == _SECURITY and not sees_security:
                    continue  # they name peers' addresses: permission security:read
                yield b": keepalive\n\n" if event is None else _frame(event)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)
