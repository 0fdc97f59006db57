"""A running gateway on a free port, over the parametrized database, with one known station."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from laddnet.adapters.db.tables import stations
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation

PASSWORD = "station-password-0001"
# Stations in these tests send fixed station times (2025, 2026): they were registered before, or
# their sessions would be flagged time_before_registration (domain/sessions/plausibility.py).
REGISTERED = datetime(2024, 1, 1, tzinfo=UTC)


def registered_long_ago(container: Container, *station_ids: str) -> None:
    """Backdate the stations' registration to REGISTERED (test data, written directly)."""
    with container.engine.begin() as conn:
        conn.execute(
            update(stations).where(stations.c.id.in_(station_ids)).values(created_at=REGISTERED)
        )


@dataclass
class Running:
    container: Container
    gateway: Gateway
    base_url: str

    def station(self, station_id: str = "CP-1", version: str = "1.6", **kw: object) -> SimStation:
        return SimStation(self.base_url, station_id, PASSWORD, version, **kw)  # type: ignore[arg-type]

    async def add(self, *station_ids: str) -> None:
        for station_id in station_ids:
            await self.container.stations.add_station(StationId(station_id), PASSWORD)
        registered_long_ago(self.container, *station_ids)


@contextlib.asynccontextmanager
async def serving(container: Container) -> AsyncIterator[Running]:
    """A gateway for `container` on a free port, with CP-1 and CP-2 known."""
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1", "CP-2")
        yield running
    finally:
        await gateway.stop()


@pytest.fixture
async def running(container: Container) -> AsyncIterator[Running]:
    async with serving(container) as running:
        yield running


@pytest.fixture
async def quick(database_url: str) -> AsyncIterator[Running]:
    """A gateway whose commands time out after a second (a station that never answers), with
    CP-1 to CP-3 registered."""
    container = build(Settings(database_url=database_url, call_timeout=1.0))
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
    await running.add("CP-1", "CP-2", "CP-3")
    try:
        yield running
    finally:
        await gateway.stop()
        await container.aclose()
