"""A station that stops answering WebSocket pings is dropped and marked offline."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import os

from laddnet.bootstrap import Container
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from tests.integration.ocpp.conftest import PASSWORD


async def _handshake(
    port: int, station_id: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Complete the WebSocket handshake by hand; nothing answers the server's pings."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    token = base64.b64encode(f"{station_id}:{PASSWORD}".encode()).decode()
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /ocpp/{station_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: ocpp1.6\r\nAuthorization: Basic {token}\r\n\r\n"
        ).encode()
    )
    status = await reader.readline()
    assert b"101" in status
    await reader.readuntil(b"\r\n\r\n")
    return reader, writer


async def test_station_silent_to_pings_is_dropped_and_marked_offline(
    container: Container,
) -> None:
    settings = Settings(
        database_url=container.settings.database_url,
        ping_interval=0.2,
        ping_timeout=0.3,
        close_timeout=0.2,
    )
    container.settings = settings
    await container.stations.add_station(StationId("CP-9"), PASSWORD)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        _, writer = await _handshake(gateway.port, "CP-9")
        try:
            for _ in range(40):
                if len(gateway.registry) == 1:
                    break
                await asyncio.sleep(0.05)
            assert len(gateway.registry) == 1
            for _ in range(100):
                if len(gateway.registry) == 0:
                    break
                await asyncio.sleep(0.05)
            assert len(gateway.registry) == 0
            for _ in range(100):  # the offline mark is written just after the connection is dropped
                state = await container.queries.station(StationId("CP-9"))
                if state is not None and not state.connected:
                    break
                await asyncio.sleep(0.05)
            assert state is not None
            assert not state.connected
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
    finally:
        await gateway.stop()


async def _first_ping_after(reader: asyncio.StreamReader) -> float:
    loop = asyncio.get_running_loop()
    opened = loop.time()
    header = await reader.readexactly(2)
    assert header[0] == 0x89, "the first frame from the server is a ping"  # FIN + opcode 9
    await reader.readexactly(header[1] & 0x7F)
    return loop.time() - opened


async def test_pings_of_stations_that_connected_together_are_spread_over_the_interval(
    container: Container,
) -> None:
    container.settings = Settings(
        database_url=container.settings.database_url, ping_interval=1.0, ping_timeout=5.0
    )
    ids = [f"CP-{i}" for i in range(10)]
    for station_id in ids:
        await container.stations.add_station(StationId(station_id), PASSWORD)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        links = [await _handshake(gateway.port, station_id) for station_id in ids]
        async with asyncio.timeout(5):
            delays = await asyncio.gather(*(_first_ping_after(reader) for reader, _ in links))
        assert max(delays) <= 1.0 + 0.5  # found within the interval, as a dead link would be
        assert max(delays) - min(delays) > 0.3  # not all at once (websockets' own: all at 1.0)
        for _, writer in links:
            writer.close()
    finally:
        await gateway.stop()


async def test_a_station_that_answers_pings_is_pinged_every_interval_and_kept(
    container: Container,
) -> None:
    container.settings = Settings(
        database_url=container.settings.database_url, ping_interval=0.2, ping_timeout=0.1
    )
    await container.stations.add_station(StationId("CP-7"), PASSWORD)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        reader, writer = await _handshake(gateway.port, "CP-7")
        loop = asyncio.get_running_loop()
        pings: list[float] = []
        async with asyncio.timeout(5):
            while len(pings) < 6:
                header = await reader.readexactly(2)
                assert header[0] == 0x89  # only pings come: FIN + opcode 9
                data = await reader.readexactly(header[1] & 0x7F)
                pings.append(loop.time())
                mask = os.urandom(4)  # a client's frames are masked (RFC 6455 5.3)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                writer.write(bytes([0x8A, 0x80 | len(data)]) + mask + masked)  # the pong
        gaps = [later - earlier for earlier, later in itertools.pairwise(pings)]
        assert min(gaps) > 0.15, gaps  # one per interval (six within the 5 s), no more often
        assert len(gateway.registry) == 1  # answered every time: still connected
        writer.close()
    finally:
        await gateway.stop()
