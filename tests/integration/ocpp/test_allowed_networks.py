"""Allowed source networks per station, enforced before the WebSocket upgrade over real
WebSockets, set through the API (audited, recorded), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import Running


async def _patch(running: Running, station_id: str, body: dict[str, object]) -> httpx.Response:
    key = await running.container.api_keys.create("operator")
    async with (
        serving_api(running.container) as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as api,
    ):
        return await api.patch(f"/api/v1/stations/{station_id}", json=body)


async def _event(running: Running, kind: str) -> dict[str, object]:
    async with asyncio.timeout(5):
        while True:
            for event in await running.container.queries.security_events():
                if event["kind"] == kind:
                    return event
            await asyncio.sleep(0.05)


async def test_station_outside_its_networks_is_refused_before_the_upgrade(
    running: Running,
) -> None:
    changed = await _patch(running, "CP-1", {"allowed_networks": ["10.0.0.0/8"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["allowed_networks"] == ["10.0.0.0/8"]
    station = running.station("CP-1", "2.0.1")
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 403
    event = await _event(running, "network_not_allowed")
    assert "127.0.0.1 is outside" in str(event["detail"])
    assert "10.0.0.0/8" in str((await _event(running, "allowed_networks_changed"))["detail"])


async def test_station_inside_its_networks_connects_and_null_lifts_the_list(
    running: Running,
) -> None:
    await _patch(running, "CP-1", {"allowed_networks": ["10.0.0.0/8", "127.0.0.0/8"]})
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.close()
    await _patch(running, "CP-2", {"allowed_networks": ["10.0.0.0/8"]})
    lifted = await _patch(running, "CP-2", {"allowed_networks": None})
    assert lifted.json()["allowed_networks"] is None
    other = running.station("CP-2", "1.6")
    await other.connect()
    await other.close()


async def test_a_bad_network_is_422_naming_it(running: Running) -> None:
    bad = await _patch(running, "CP-1", {"allowed_networks": ["10.0.0.0/8", "10.1.1.1/8"]})
    assert bad.status_code == 422
    assert "'10.1.1.1/8' is not a network in CIDR form" in bad.text
