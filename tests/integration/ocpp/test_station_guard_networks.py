"""Sites' allowed networks, connection-rate limits and stations connecting from a network
they never used before, over real WebSockets with 1.6 and 2.0.1 stations, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import InvalidStatus

from laddnet.adapters.db.tables import outbox_events
from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import PASSWORD, Running


@pytest.fixture
async def api(running: Running) -> AsyncIterator[httpx.AsyncClient]:
    key = await running.container.api_keys.create("operator")
    async with (
        serving_api(running.container) as url,
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client,
    ):
        yield client


async def _call(api: httpx.AsyncClient, method: str, path: str, body: Any = None) -> httpx.Response:
    return await api.request(method, path, json=body)


async def _events(running: Running, kind: str, count: int = 1) -> list[dict[str, Any]]:
    async with asyncio.timeout(5):
        while True:
            rows = [
                e for e in await running.container.queries.security_events() if e["kind"] == kind
            ]
            if len(rows) >= count:
                return rows
            await asyncio.sleep(0.05)


async def _on_site(api: httpx.AsyncClient, site_id: str, *station_ids: str) -> None:
    made = await _call(
        api, "POST", "/api/v1/sites", {"id": site_id, "name": site_id, "time_zone": "UTC"}
    )
    assert made.status_code == 201, made.text
    for station_id in station_ids:
        moved = await _call(api, "PATCH", f"/api/v1/stations/{station_id}", {"site_id": site_id})
        assert moved.status_code == 200, moved.text


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_site_list_applies_to_its_stations_without_their_own(
    running: Running, api: httpx.AsyncClient, version: str
) -> None:
    await _on_site(api, "depot", "CP-1", "CP-2")
    put = await _call(
        api, "PUT", "/api/v1/sites/depot/allowed-networks", {"allowed_networks": ["10.0.0.0/8"]}
    )
    assert put.status_code == 200, put.text
    assert put.json() == {"site_id": "depot", "allowed_networks": ["10.0.0.0/8"]}
    got = await _call(api, "GET", "/api/v1/sites/depot/allowed-networks")
    assert got.json()["allowed_networks"] == ["10.0.0.0/8"]

    with pytest.raises(InvalidStatus) as refused:
        await running.station("CP-1", version).connect()
    assert refused.value.response.status_code == 403
    event = (await _events(running, "network_not_allowed"))[0]
    assert event["station_id"] == "CP-1"
    changed = await _events(running, "allowed_networks_changed")
    assert any("site depot allowed networks: 10.0.0.0/8" in e["detail"] for e in changed)

    # CP-2's own list wins over the site's.
    own = await _call(api, "PATCH", "/api/v1/stations/CP-2", {"allowed_networks": ["127.0.0.0/8"]})
    assert own.status_code == 200, own.text
    station = running.station("CP-2", version)
    await station.connect()
    await station.close()

    lifted = await _call(
        api, "PUT", "/api/v1/sites/depot/allowed-networks", {"allowed_networks": None}
    )
    assert lifted.json()["allowed_networks"] is None
    station = running.station("CP-1", version)
    await station.connect()  # the site's list is gone: anywhere
    await station.close()


async def test_site_list_errors(api: httpx.AsyncClient) -> None:
    missing = await _call(api, "GET", "/api/v1/sites/nowhere/allowed-networks")
    assert missing.status_code == 404
    await _on_site(api, "depot")
    bad = await _call(
        api, "PUT", "/api/v1/sites/depot/allowed-networks", {"allowed_networks": ["10.1.1.1/8"]}
    )
    assert bad.status_code == 422
    assert "'10.1.1.1/8' is not a network in CIDR form" in bad.text


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_station_in_a_network_it_never_used_is_a_security_event(
    running: Running, api: httpx.AsyncClient, version: str
) -> None:
    # CP-1 has connected from 198.51.100.0/24 before (through the service the gateway uses).
    guard = running.container.station_guard
    assert await guard.note_connection("CP-1", "198.51.100.7") == "first"
    # CP-2's first connection ever is recorded without an event.
    first = running.station("CP-2", version)
    await first.connect()
    await first.boot()
    station = running.station("CP-1", version)
    await station.connect()
    await station.boot()
    event = (await _events(running, "new_network"))[0]
    assert event["station_id"] == "CP-1"
    assert "127.0.0.0/24: a network it never used before" in event["detail"]
    await station.close()
    again = running.station("CP-1", version)  # the same network again: no second event
    await again.connect()
    await again.boot()
    await again.close()
    await first.close()
    await asyncio.sleep(0.2)
    events = await _events(running, "new_network")
    assert [e["station_id"] for e in events] == ["CP-1"]
    seen = await _call(api, "GET", "/api/v1/stations/CP-1/networks")
    assert [i["network"] for i in seen.json()["items"]] == ["198.51.100.0/24", "127.0.0.0/24"]
    announced = await running.container.database.read(
        lambda uow: uow.connection.execute(  # type: ignore[attr-defined]
            select(outbox_events.c.station_id, outbox_events.c.data).where(
                outbox_events.c.type == "station.new_network"
            )
        ).all()
    )
    assert [(r.station_id, r.data["network"]) for r in announced] == [("CP-1", "127.0.0.0/24")]


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[Running]:
    settings = Settings(
        database_url=database_url,
        connection_rate_limit=2,
        connection_rate_limit_per_address=8,
        connection_rate_window=60.0,
    )
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1", "CP-2")
        yield running
    finally:
        await gateway.stop()
        await container.aclose()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_connection_rate_per_station_id_and_per_address(
    limited: Running, version: str
) -> None:
    # Wrong passwords do not use up CP-1's share: the per-id count starts after a login.
    for _ in range(3):
        impostor = SimStation(limited.base_url, "CP-1", "wrong-password-0001", version)
        with pytest.raises(InvalidStatus) as failed:
            await impostor.connect()
        assert failed.value.response.status_code == 401
    for _ in range(2):
        station = limited.station("CP-1", version)
        await station.connect()
        await station.close()
    with pytest.raises(InvalidStatus) as refused:
        await limited.station("CP-1", version).connect()
    assert refused.value.response.status_code == 429
    assert int(refused.value.response.headers["Retry-After"]) >= 1
    event = (await _events(limited, "connection_rate_limited"))[0]
    assert event["station_id"] == "CP-1"
    assert "station id CP-1" in event["detail"]
    # 3 + 3 attempts from 127.0.0.1 so far; two more reach the address's 8 ...
    for _ in range(2):
        station = limited.station("CP-2", version)
        await station.connect()
        await station.close()
    # ... and the next is refused before any password check, whatever the station id.
    with pytest.raises(InvalidStatus) as flooded:
        await SimStation(limited.base_url, "CP-9", PASSWORD, version).connect()
    assert flooded.value.response.status_code == 429
    events = await _events(limited, "connection_rate_limited", 2)
    assert any("address 127.0.0.1" in e["detail"] for e in events)
