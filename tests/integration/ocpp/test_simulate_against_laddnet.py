"""`laddnet simulate`'s stations against our own gateway: they boot, report the whole station and
each connector, and charge; everything they send is answered and stored."""

from __future__ import annotations

import pytest

from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import ConnectorStatus
from laddnet.sim.runner import simulate
from tests.integration.ocpp.conftest import PASSWORD, Running


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_simulated_stations_report_themselves_and_charge(
    running: Running, version: str
) -> None:
    await running.container.authorization.add_token("SIM-TAG")
    report = await simulate(
        running.base_url,
        ["CP-1", "CP-2"],
        PASSWORD,
        version,
        duration=3.0,  # a session starts 0.05-0.3 s after the boot; a loaded CI host needs room
        meter_interval=0.05,
        id_tags=["SIM-TAG"],
    )

    assert (report.connected, report.boots_accepted, report.errors) == (2, 2, 0)
    for station_id in ("CP-1", "CP-2"):
        station = await running.container.queries.station(StationId(station_id))
        assert station is not None
        assert station.availability is not None
        assert station.availability.status is ConnectorStatus.AVAILABLE
        assert [(c.evse_id, c.connector_id) for c in station.connectors] == [(1, 1), (2, 1)]
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total >= 1
    assert all(s.stopped_at is not None for s in sessions)  # simulate stops them at the end
    assert report.sessions_stopped == report.sessions_started >= 2
