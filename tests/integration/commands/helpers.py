"""Polling the API for what a station does after answering a command."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tests.integration.commands.conftest import Live

T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 10.0) -> T:
    """The first non-None, non-False result of `probe` within `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            result = await probe()
            if result is not None and result is not False:
                return result
            await asyncio.sleep(0.05)


async def sessions(live: Live, station_id: str) -> list[dict[str, Any]]:
    answer = await live.api.get("/api/v1/sessions", params={"station_id": station_id})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def station(live: Live, station_id: str) -> dict[str, Any]:
    answer = await live.api.get(f"/api/v1/stations/{station_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def send(live: Live, station_id: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Send a command, expect 200, and check it is the newest entry in the command log."""
    answer = await live.api.post(f"/api/v1/stations/{station_id}/commands/{name}", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    log = (await live.api.get(f"/api/v1/stations/{station_id}/commands")).json()["items"][0]
    assert log["id"] == result["command_id"]
    assert (log["name"], log["outcome"], log["status"]) == (name, "answered", result["status"])
    assert log["response"] == result["response"]
    return result
