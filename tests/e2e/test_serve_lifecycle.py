"""`laddnet serve` as a process: ready when its ports answer, stopped cleanly by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus

from laddnet.sim.station import SimStation
from tests.e2e.conftest import PASSWORD, STOP_TIMEOUT, Laddnet, Servers, Stations

GOING_AWAY = 1001  # WebSocket close code of a server that shuts down


def _row(listing: str, station_id: str) -> list[str]:
    """The `laddnet station list` row of one station, split into columns."""
    rows = [line.split() for line in listing.splitlines() if line.split()[:1] == [station_id]]
    assert len(rows) == 1, listing
    return rows[0]


async def test_sigterm_exits_0_and_closes_every_station_connection(
    laddnet: Laddnet, servers: Servers, stations: Stations, tmp_path: Path
) -> None:
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(f"id,password\nCP-16,{PASSWORD}\nCP-201,{PASSWORD}\n")
    await laddnet.aok("station", "import", str(csv_file))
    server = await servers.start(laddnet)
    v16, v201 = stations("CP-16", "1.6"), stations("CP-201", "2.0.1")
    for station in (v16, v201):
        await station.connect()
        assert (await station.boot())["status"] == "Accepted"
        await station.status(1, "Available")

    online = await laddnet.aok("station", "list")
    assert _row(online, "CP-16")[1:3] == ["yes", "1.6"]
    assert _row(online, "CP-201")[1:3] == ["yes", "2.0.1"]

    assert await server.stop(signal.SIGTERM) == 0
    async with asyncio.timeout(STOP_TIMEOUT):
        while v16.connected or v201.connected:
            await asyncio.sleep(0.02)
    for station in (v16, v201):
        assert station._link is not None
        assert station._link.ws.close_code == GOING_AWAY, station.station_id

    offline = await laddnet.aok("station", "list")
    assert _row(offline, "CP-16")[1] == "no"
    assert _row(offline, "CP-201")[1] == "no"


async def test_station_added_while_serving_connects_at_once(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    await servers.start(laddnet)
    station = stations("CP-NEW", "2.0.1")
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 401

    await laddnet.aok("station", "add", "CP-NEW", "--password", PASSWORD)
    await station.connect()
    assert (await station.boot())["status"] == "Accepted"
    assert station.connected


async def test_a_password_changed_while_serving_is_the_only_one_accepted_from_the_next_login(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    await laddnet.aok("station", "add", "CP-ROT", "--password", PASSWORD)
    await servers.start(laddnet)
    station = stations("CP-ROT", "1.6")
    await station.connect()  # its password is now verified and remembered by the server
    assert (await station.boot())["status"] == "Accepted"

    rotated = "rotated-password-0002"
    changed = await laddnet.aok("station", "set-password", "CP-ROT", "--password", rotated)

    assert "new password" in changed
    assert "currentTime" in await station.heartbeat()  # the connection it holds stays
    await station.close()
    with pytest.raises(InvalidStatus) as refused:
        await stations("CP-ROT", "1.6").connect()
    assert refused.value.response.status_code == 401
    again = SimStation(laddnet.ocpp_url, "CP-ROT", rotated, "1.6", call_timeout=5)
    try:
        await again.connect()
        assert (await again.boot())["status"] == "Accepted"
    finally:
        await again.close()
