"""Two gateway nodes on one database: each node clears and reports only its own stations, and a
station that moves between nodes keeps its session's review flags."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import PASSWORD

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
StartNode = Callable[[str], Awaitable[tuple[Container, Gateway]]]


@pytest.fixture
async def start_node(database_url: str) -> AsyncIterator[StartNode]:
    async with AsyncExitStack() as stack:

        async def start(node_id: str) -> tuple[Container, Gateway]:
            container = build(Settings(database_url=database_url, node_id=node_id))
            stack.push_async_callback(container.aclose)
            gateway = Gateway(container)
            await gateway.start(host="127.0.0.1", port=0)
            stack.push_async_callback(gateway.stop)
            return container, gateway

        yield start


def _url(gateway: Gateway) -> str:
    return f"ws://127.0.0.1:{gateway.port}/ocpp"


async def _connected(container: Container, station_id: str) -> str | None:
    """The node the station is connected to, or None."""
    station = await container.queries.station(StationId(station_id))
    assert station is not None
    assert station.connected == (station.node is not None)
    return station.node


async def test_a_node_starting_or_losing_an_old_connection_leaves_other_nodes_stations_online(
    start_node: StartNode,
) -> None:
    a, gateway_a = await start_node("node-a")
    await a.stations.add_stations([(StationId("CP-1"), PASSWORD), (StationId("CP-2"), PASSWORD)])
    on_a = SimStation(_url(gateway_a), "CP-1", PASSWORD)
    await on_a.connect()
    await on_a.boot()

    b, gateway_b = await start_node("node-b")  # starting clears node-b's stations only
    assert await _connected(b, "CP-1") == "node-a"

    # CP-1 opens a new connection on node-b before node-a notices its old one is gone.
    on_b = SimStation(_url(gateway_b), "CP-1", PASSWORD)
    await on_b.connect()
    await on_b.boot()
    await on_a.close()
    async with asyncio.timeout(5):
        while gateway_a.registry.get("CP-1") is not None:
            await asyncio.sleep(0.01)
    # node-a queued its "offline" write as it dropped the connection: a write after it is a
    # barrier (one writer, in submission order).
    await a.database.write(lambda uow: None)
    assert await _connected(a, "CP-1") == "node-b", "node-a marked node-b's station offline"

    # node-a restarts (as after a crash): its own stations go offline, node-b's stay online.
    on_a2 = SimStation(_url(gateway_a), "CP-2", PASSWORD)
    await on_a2.connect()
    await on_a2.boot()
    await gateway_a.stop()
    restarted = Gateway(a)
    await restarted.start(host="127.0.0.1", port=0)
    try:
        assert await _connected(a, "CP-2") is None
        assert await _connected(a, "CP-1") == "node-b"
    finally:
        await restarted.stop()
        await on_a2.close()
        await on_b.close()


async def test_a_station_back_on_a_node_keeps_what_another_node_flagged(
    start_node: StartNode,
) -> None:
    a, gateway_a = await start_node("node-a")
    _, gateway_b = await start_node("node-b")
    await a.stations.add_station(StationId("CP-1"), PASSWORD)
    await a.authorization.add_token("TAG-1")
    station = SimStation(_url(gateway_a), "CP-1", PASSWORD)
    await station.connect()
    await station.boot()
    tx = await station.start_session(1, "TAG-1", meter_start_wh=1000, timestamp=T0)
    await station.meter(1, 2000, 11000, T0 + timedelta(minutes=10))  # node-a caches the session

    station.url = f"{_url(gateway_b)}/CP-1"
    await station.reconnect()
    await station.meter(1, 9_000_000, 11000, T0 + timedelta(minutes=11))  # node-b flags a jump

    station.url = f"{_url(gateway_a)}/CP-1"
    await station.reconnect()
    await station.meter(1, 2500, 11000, T0 + timedelta(minutes=20))
    await station.stop_session(1, 3000, timestamp=T0 + timedelta(minutes=30))
    await station.close()

    session = await a.queries.session(int(tx))
    assert session is not None
    assert session.review_required, "node-a billed from its cached copy and dropped the flag"
    assert "implausible_jump" in session.anomalies
    assert session.energy_wh == 2000
