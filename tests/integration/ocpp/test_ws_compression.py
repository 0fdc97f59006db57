"""WebSocket compression (RFC 7692 permessage-deflate; OCPP-J 2.0.1 section 3.3: required of a
CSMS, optional for a station): negotiated with a real station that offers it, absent for one
that does not, and never negotiated when `LADDNET_WS_COMPRESSION` is off; both versions work
either way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from websockets.extensions.permessage_deflate import PerMessageDeflate

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running


def _extensions(station: SimStation) -> tuple[list[object], str | None]:
    link = station._link
    assert link is not None
    ws = link.ws
    assert ws.response is not None
    return list(ws.protocol.extensions), ws.response.headers.get("Sec-WebSocket-Extensions")


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_station_offering_compression_gets_it(running: Running, version: str) -> None:
    await running.container.authorization.add_token("TAG-1")
    station = running.station("CP-1", version, compression=True)
    await station.connect()
    extensions, header = _extensions(station)
    assert len(extensions) == 1 and isinstance(extensions[0], PerMessageDeflate)
    assert header is not None and header.startswith("permessage-deflate")
    assert (await station.boot())["status"] == "Accepted"
    info = "idTagInfo" if version == "1.6" else "idTokenInfo"
    assert (await station.authorize("TAG-1" * 4))[info]["status"] == "Invalid"
    assert (await station.authorize("TAG-1"))[info]["status"] == "Accepted"
    await station.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_station_not_offering_compression_works_without(
    running: Running, version: str
) -> None:
    station = running.station("CP-1", version)
    await station.connect()
    assert _extensions(station) == ([], None)
    assert (await station.boot())["status"] == "Accepted"
    await station.close()


@pytest.fixture
async def uncompressed(database_url: str) -> AsyncIterator[Running]:
    container: Container = build(Settings(database_url=database_url, ws_compression=False))
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        await running.add("CP-1")
        yield running
    finally:
        await gateway.stop()
        await container.aclose()


async def test_compression_turned_off_is_not_negotiated(uncompressed: Running) -> None:
    station = uncompressed.station("CP-1", "2.0.1", compression=True)
    await station.connect()
    assert _extensions(station) == ([], None)
    assert (await station.boot())["status"] == "Accepted"
    await station.close()
