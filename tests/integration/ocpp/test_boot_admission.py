"""Boot admission over real WebSockets: a station turned away gets Pending and may not charge."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.sim.frames import CallErrorReceived
from tests.integration.ocpp.conftest import PASSWORD, Running


@pytest.fixture
async def full(database_url: str) -> AsyncIterator[Running]:
    """A gateway whose boot admission is already full (a limit of 0)."""
    container: Container = build(Settings(database_url=database_url, boot_admission_limit=0))
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        await container.stations.add_station(StationId("CP-1"), PASSWORD)
        yield Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
    finally:
        await gateway.stop()
        await container.aclose()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_boot_beyond_admission_gets_pending_with_jittered_interval(
    full: Running, version: str
) -> None:
    station = full.station("CP-1", version)
    await station.connect()
    answer = await station.boot()
    assert answer["status"] == "Pending"
    assert 5 <= answer["interval"] <= 30
    with pytest.raises(CallErrorReceived) as caught:
        await station.heartbeat()
    assert caught.value.code == "SecurityError"
    stored = await full.container.queries.station(StationId("CP-1"))
    assert stored is not None
    assert stored.registration_status is None  # nothing recorded for a boot not handled
    await station.close()
