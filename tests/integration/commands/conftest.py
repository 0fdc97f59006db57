"""A gateway and the API over one container: commands from HTTP reach real OCPP stations."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.ports import UnitOfWork
from laddnet.sim.station import SimStation
from tests.integration.api.conftest import serving_api
from tests.integration.ocpp.conftest import registered_long_ago

PASSWORD = "station-password-0001"


@dataclass
class Live:
    container: Container
    gateway: Gateway
    ocpp_url: str
    api: httpx.AsyncClient  # admin key
    viewer: httpx.AsyncClient  # viewer key

    async def station(self, station_id: str, version: str, **kw: object) -> SimStation:
        """A station of this version, connected and booted."""
        station = SimStation(self.ocpp_url, station_id, PASSWORD, version, **kw)  # type: ignore[arg-type]
        await station.connect()
        await station.boot()
        return station


@pytest.fixture
async def live(container: Container) -> AsyncIterator[Live]:
    # These tests count the calls they send: the stations' configuration counts as read, so
    # their boots send no GetConfiguration (tests/integration/operations covers that).
    async with live_gateway(container, configuration_read=True) as running:
        yield running


@contextlib.asynccontextmanager
async def live_gateway(container: Container, *, configuration_read: bool) -> AsyncIterator[Live]:
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    await container.stations.add_stations(
        [(StationId(s), PASSWORD) for s in ("CP-1", "CP-2", "CP-3")]
    )
    registered_long_ago(container, "CP-1", "CP-2", "CP-3")  # tests send earlier station times
    if configuration_read:
        now = container.clock.now()

        def mark_read(uow: UnitOfWork) -> None:
            for s in ("CP-1", "CP-2", "CP-3"):
                uow.configuration.mark_read(s, now)

        await container.database.write(mark_read)
    admin = await container.api_keys.create("admin")
    viewer = await container.api_keys.create("viewer")
    try:
        async with (
            serving_api(container) as url,
            httpx.AsyncClient(
                base_url=url, headers={"Authorization": f"Bearer {admin}"}, timeout=20
            ) as api,
            httpx.AsyncClient(
                base_url=url, headers={"Authorization": f"Bearer {viewer}"}, timeout=20
            ) as viewer_client,
        ):
            yield Live(
                container,
                gateway,
                f"ws://127.0.0.1:{gateway.port}/ocpp",
                api,
                viewer_client,
            )
    finally:
        await gateway.stop()
