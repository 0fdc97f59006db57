"""Decommissioning against a real gateway: refused with 409 while the station is connected,
and afterwards the station is refused at login like an unknown one."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import Running


async def test_a_connected_station_is_not_decommissioned_then_is_once_offline(
    running: Running,
) -> None:
    key = await running.container.api_keys.create("operator")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()  # answered after the presence write: the station shows connected
    async with (
        serving_api(running.container) as url,
        httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=10
        ) as client,
    ):
        refused = await client.delete("/api/v1/stations/CP-1")
        assert refused.status_code == 409
        assert "is connected" in refused.json()["error"]["message"]
        assert (await client.get("/api/v1/stations/CP-1")).json()["decommissioned_at"] is None

        await station.close()
        for _ in range(100):  # the disconnect is written after the socket closes
            if not (await client.get("/api/v1/stations/CP-1")).json()["connected"]:
                break
            await asyncio.sleep(0.05)
        done = await client.delete("/api/v1/stations/CP-1")
        assert done.status_code == 200, done.text

    again = running.station("CP-1", "1.6")
    with pytest.raises(InvalidStatus) as login:
        await again.connect()
    assert login.value.response.status_code == 401
    kinds: list[str] = []
    for _ in range(50):  # security events are written in the background, after the refusal
        kinds = [e["kind"] for e in await running.container.queries.security_events()]
        if "unknown_station" in kinds:
            break
        await asyncio.sleep(0.05)
    assert "unknown_station" in kinds
    other = running.station("CP-2", "1.6")  # the others still log in
    await other.connect()
    assert (await other.boot())["status"] == "Accepted"
    await other.close()
