"""The live event stream over real HTTP: filters, keepalives, Last-Event-ID resumption."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from laddnet.bootstrap import Container
from laddnet.domain.events import Event
from laddnet.domain.ids import StationId
from laddnet.ports import SystemClock
from laddnet.services.events.stream import EventStreams

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _frames(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """SSE frames as dicts: {"id", "event", "data"} for events, {"comment"} for comments."""
    frame: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if line == "":
            if frame:
                yield frame
            frame = {}
        elif line.startswith(":"):
            frame.setdefault("comment", line[1:].strip())
        else:
            field, _, value = line.partition(": ")
            frame[field] = json.loads(value) if field == "data" else value


Frames = AsyncIterator[dict[str, Any]]


async def _take(frames: Frames, count: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        while len(events) < count:
            frame = await anext(frames)
            if "event" in frame:
                events.append(frame)
    return events


async def _presence(container: Container, station: str, connected: bool) -> None:
    await container.stations.set_presence(StationId(station), connected, "1.6")


async def _opened(response: httpx.Response) -> Frames:
    """The stream's frames, once its opening comment came: from then on it is subscribed."""
    frames = _frames(response)
    async with asyncio.timeout(10):
        assert (await anext(frames)).get("comment") == "connected"
    return frames


async def test_the_stream_delivers_filtered_events_with_ids_types_and_json(
    container: Container, client: httpx.AsyncClient
) -> None:
    await container.events.start()
    params = {"types": "station.connected", "station_id": "CP-1"}
    async with client.stream("GET", "/api/v1/events", params=params) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        frames = await _opened(response)
        await _presence(container, "CP-2", True)  # another station
        await _presence(container, "CP-1", False)  # another type
        await _presence(container, "CP-1", True)
        (frame,) = await _take(frames, 1)
    assert frame["event"] == "station.connected"
    data = frame["data"]
    assert data["id"] == int(frame["id"])
    assert data["type"] == "station.connected" and data["station_id"] == "CP-1"
    assert data["data"]["ocpp_version"] == "1.6"
    assert data["time"].endswith("+00:00")


async def test_a_quiet_stream_gets_keepalive_comments(
    container: Container, client: httpx.AsyncClient
) -> None:
    container.events.keepalive = 0.1
    async with client.stream("GET", "/api/v1/events") as response:
        comments = []
        async with asyncio.timeout(10):
            async for frame in _frames(response):
                comments.append(frame.get("comment"))
                if comments.count("keepalive") == 2:
                    break
    assert comments[0] == "connected"


async def test_a_client_resuming_with_last_event_id_gets_what_it_missed_once(
    container: Container, client: httpx.AsyncClient
) -> None:
    await container.events.start()
    async with client.stream("GET", "/api/v1/events") as response:
        frames = await _opened(response)
        await _presence(container, "CP-1", True)
        (seen,) = await _take(frames, 1)
    for station in ("CP-1", "CP-2", "CP-3"):  # missed while disconnected
        await _presence(container, station, False)
    headers = {"Last-Event-ID": seen["id"]}
    async with client.stream("GET", "/api/v1/events", headers=headers) as response:
        frames = _frames(response)
        missed = await _take(frames, 3)
        await _presence(container, "CP-4", True)  # live, after the replay
        (live,) = await _take(frames, 1)
    assert [f["data"]["station_id"] for f in missed] == ["CP-1", "CP-2", "CP-3"]
    assert [f["event"] for f in missed] == ["station.disconnected"] * 3
    ids = [int(f["id"]) for f in [*missed, live]]
    assert ids == sorted(set(ids)) and min(ids) > int(seen["id"])
    assert live["data"]["station_id"] == "CP-4"

    # The query parameter works too, and filters apply to the replay.
    params = {"last_event_id": seen["id"], "types": "station.disconnected", "station_id": "CP-2"}
    async with client.stream("GET", "/api/v1/events", params=params) as response:
        (only,) = await _take(_frames(response), 1)
    assert only["data"]["station_id"] == "CP-2"


async def test_a_client_too_far_behind_is_disconnected_and_the_bus_never_waits(
    container: Container,
) -> None:
    bus = container.event_bus
    streams = EventStreams(container.database, bus, SystemClock(), max_queue=5)
    async with streams.open() as slow, streams.open(types=["session.ended"]) as other:
        for n in range(1, 10):
            await bus.publish(Event(n, "station.connected", T0, "CP-1", {}))
        assert slow.lagged and not other.lagged
        got = [e async for e in slow.items(0.1) if e is not None]
    assert [e.id for e in got] == [1, 2, 3, 4, 5]  # then the stream ends: resume from 5


async def test_an_unknown_event_type_filter_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/events", params={"types": "station.exploded"})
    assert response.status_code == 422


async def test_the_stream_needs_an_api_key(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/v1/events")).status_code == 401


async def test_security_events_reach_the_stream_only_of_callers_with_security_read(
    container: Container, client: httpx.AsyncClient, base_url: str
) -> None:
    from laddnet.domain.security.model import SecurityEventKind

    await container.events.start()
    viewer_key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {viewer_key}"}
    async with (
        httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as viewer,
        client.stream("GET", "/api/v1/events") as admin_stream,
        viewer.stream("GET", "/api/v1/events") as viewer_stream,
    ):
        admin_frames = await _opened(admin_stream)
        viewer_frames = await _opened(viewer_stream)
        await container.stations.record_security_event(
            SecurityEventKind.LOGIN_THROTTLED, "CP-1", "too many failed logins", "10.0.0.9"
        )
        await _presence(container, "CP-1", True)  # then an event both may see
        admin_seen = await _take(admin_frames, 2)
        viewer_seen = await _take(viewer_frames, 1)
    assert [f["event"] for f in admin_seen] == ["security_event.recorded", "station.connected"]
    data = admin_seen[0]["data"]["data"]
    assert (data["kind"], data["severity"]) == ("login_throttled", "critical")
    assert "10.0.0.9" not in json.dumps(data)
    assert [f["event"] for f in viewer_seen] == ["station.connected"]
