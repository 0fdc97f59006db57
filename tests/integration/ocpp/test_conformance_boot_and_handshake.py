"""Spec-conformance fixes at the edge of a connection, both OCPP versions, real WebSockets.

- OCPP-J 1.6 §3.2 / 2.0.1 Part 4 §3.3: a station offering no subprotocol we support gets the
  WebSocket handshake completed without a Sec-WebSocket-Protocol header, and is then closed
  at once (not an HTTP 400).
- 2.0.1 B02 (Pending) / 1.6 §4.2: a station answered Pending may send nothing but
  BootNotification until it is accepted, even if it was accepted on an earlier connection:
  any other CALL gets SecurityError.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.domain.stations.model import StationInfo
from laddnet.ocpp.server import Gateway
from laddnet.sim.frames import CallErrorReceived
from tests.integration.ocpp.conftest import PASSWORD, Running


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def test_no_supported_subprotocol_completes_the_handshake_then_closes(
    running: Running,
) -> None:
    ws = await connect(
        f"{running.base_url}/CP-1",
        additional_headers=_basic("CP-1", PASSWORD),
        subprotocols=[Subprotocol("ocpp1.5"), Subprotocol("ocpp2.1")],
        proxy=None,
    )
    try:
        assert ws.response is not None
        assert ws.response.status_code == 101
        assert "Sec-WebSocket-Protocol" not in ws.response.headers
        assert ws.subprotocol is None
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(5):
                await ws.recv()
        assert ws.close_code == 1002
    finally:
        await ws.close()
    async with asyncio.timeout(5):
        while True:
            events = await running.container.queries.security_events()
            if any(e["kind"] == "unsupported_subprotocol" for e in events):
                break
            await asyncio.sleep(0.05)


@pytest.fixture
async def full(database_url: str) -> AsyncIterator[Running]:
    """A gateway whose boot admission is full: every boot is answered Pending."""
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
async def test_pending_after_accepted_gets_security_error_until_accepted_again(
    full: Running, version: str
) -> None:
    info = StationInfo("Laddnet", "Sim-1")
    await full.container.stations.register_boot(RegisterBoot(StationId("CP-1"), info, version))
    station = full.station("CP-1", version)
    await station.connect()
    try:
        await station.heartbeat()  # accepted before: allowed without a new boot
        assert (await station.boot())["status"] == "Pending"
        with pytest.raises(CallErrorReceived) as caught:
            await station.heartbeat()
        assert caught.value.code == "SecurityError"
    finally:
        await station.close()
