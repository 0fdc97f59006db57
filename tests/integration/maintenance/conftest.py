"""A gateway, the API, the event relay and the maintenance monitor over one container whose
clock the test can move forward (the alert rules count minutes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.events import Event
from tests.integration.commands.conftest import Live, live_gateway
from tests.integration.commands.helpers import eventually


@dataclass
class MovableClock:
    """The system clock, moved forward by what the test says has passed."""

    shift: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


@dataclass
class Watched:
    live: Live
    clock: MovableClock

    @property
    def container(self) -> Container:
        return self.live.container

    async def tick(self) -> None:
        """One round of the timed alert rules, now."""
        await self.container.maintenance.monitor.tick()

    async def alerts(self, **params: Any) -> list[dict[str, Any]]:
        answer = await self.live.api.get("/api/v1/alerts", params=params)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items

    async def station(self, station_id: str) -> dict[str, Any]:
        answer = await self.live.api.get(f"/api/v1/stations/{station_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def service_status(self, station_id: str, evse: int | None = None) -> str | None:
        body = await self.station(station_id)
        if evse is None:
            return str(body["service_status"])
        found = [c["service_status"] for c in body["connectors"] if c["evse_id"] == evse]
        return found[0] if found else None

    async def stored_status(self, station_id: str, evse: int | None) -> str | None:
        """The service status the monitor has stored (and announced)."""
        stored = await self.container.database.read(
            lambda uow: uow.maintenance.service_statuses([station_id])
        )
        key = (0, 0) if evse is None else (evse, 1)
        found = stored[station_id].get(key)
        return found.status.value if found else None

    async def becomes(self, station_id: str, status: str, evse: int | None = None) -> None:
        """The API shows `status` and the monitor has stored it."""

        async def probe() -> bool:
            shown = await self.service_status(station_id, evse)
            return shown == status == await self.stored_status(station_id, evse)

        await eventually(probe)

    async def events(self, event_type: str, station_id: str) -> list[Event]:
        since = datetime(2000, 1, 1, tzinfo=UTC)
        return await self.container.database.read(
            lambda uow: uow.event_history.after(
                0, since=since, limit=1000, types=[event_type], station_id=station_id
            )
        )


def watched_container(database_url: str, clock: MovableClock, **settings: Any) -> Container:
    # The timer is left to the test (tick()); events are handled as they come.
    settings = {"health_interval": 0, **settings}  # scored after every burst of events
    return build(Settings(database_url=database_url, alert_interval=3600, **settings), clock)


@pytest.fixture
def watched_settings() -> dict[str, Any]:
    """Extra settings of the `watched` container (a test module may override it)."""
    return {}


@pytest.fixture
async def watched(database_url: str, watched_settings: dict[str, Any]) -> AsyncIterator[Watched]:
    clock = MovableClock()
    container = watched_container(database_url, clock, **watched_settings)
    try:
        async with live_gateway(container, configuration_read=True) as live:
            await container.events.start()
            await container.maintenance.start()
            # Automatic resets would reboot the stations under the other tests' feet, and their
            # faults would lower their health: only the tests of those turn them on.
            quiet = {"recovery_soft_reset": False, "health_min_score": 0}
            await container.maintenance.set_rules(None, quiet, "test")
            yield Watched(live, clock)
    finally:
        await container.aclose()
