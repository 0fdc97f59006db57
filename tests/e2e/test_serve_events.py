"""`laddnet serve` with live events: an open event stream does not hold SIGTERM up, and the
stations' disconnections are published before the process exits."""

from __future__ import annotations

import asyncio
import json
import signal
import time

import httpx

from tests.e2e.conftest import PASSWORD, STOP_TIMEOUT, Laddnet, Servers, Stations


async def test_sigterm_ends_open_event_streams_and_exits_0(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    await laddnet.aok("station", "add", "CP-EV", "--password", PASSWORD)
    key = (await laddnet.aok("apikey", "create", "--role", "viewer")).strip().splitlines()[-1]
    server = await servers.start(laddnet)
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(base_url=laddnet.api_url, headers=headers, timeout=30) as client,
        client.stream("GET", "/api/v1/events", params={"station_id": "CP-EV"}) as response,
    ):
        assert response.status_code == 200
        lines = response.aiter_lines()
        async with asyncio.timeout(10):
            assert await anext(lines) == ": connected"
        station = stations("CP-EV", "1.6")
        await station.connect()
        await station.boot()
        seen: list[str] = []
        async with asyncio.timeout(10):
            while "station.booted" not in seen:
                line = await anext(lines)
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:])["type"])
        started = time.monotonic()
        assert await server.stop(signal.SIGTERM) == 0
        assert time.monotonic() - started < STOP_TIMEOUT
        _rest = [line async for line in lines]  # ends: the server closed the stream
    assert seen == ["station.connected", "station.booted"]
