"""Station login (security profile 1) and the one-connection-per-station policy."""

from __future__ import annotations

import asyncio
import base64

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import PASSWORD, Running


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def _status_of_refusal(url: str, headers: dict[str, str], protocols: list[str]) -> int:
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            url,
            additional_headers=headers,
            subprotocols=[Subprotocol(p) for p in protocols],
            proxy=None,
        )
    return refused.value.response.status_code


async def _security_kinds(running: Running) -> list[str]:
    for _ in range(50):  # security events are written in the background, after the refusal
        events = await running.container.queries.security_events()
        if events:
            return [e["kind"] for e in events]
        await asyncio.sleep(0.05)
    return []


async def test_known_station_with_right_password_connects(running: Running) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    assert (await station.boot())["status"] == "Accepted"
    await station.close()


@pytest.mark.parametrize(
    ("user", "password", "kind"),
    [
        ("CP-1", "wrong-password-0000000", "bad_credentials"),
        ("CP-404", PASSWORD, "unknown_station"),
        ("CP-2", PASSWORD, "username_mismatch"),
    ],
)
async def test_bad_login_is_refused_with_401_and_recorded(
    running: Running, user: str, password: str, kind: str
) -> None:
    path_id = "CP-404" if user == "CP-404" else "CP-1"
    status = await _status_of_refusal(
        f"{running.base_url}/{path_id}", _basic(user, password), ["ocpp1.6"]
    )
    assert status == 401
    assert kind in await _security_kinds(running)


async def test_missing_credentials_get_401_with_challenge(running: Running) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(f"{running.base_url}/CP-1", subprotocols=[Subprotocol("ocpp1.6")], proxy=None)
    assert refused.value.response.status_code == 401
    assert refused.value.response.headers["WWW-Authenticate"].startswith("Basic")
    assert "missing_credentials" in await _security_kinds(running)


# An offer without a supported subprotocol: test_conformance_boot_and_handshake.py (OCPP-J
# wants the handshake completed without a subprotocol, then closed; not an HTTP 400).


@pytest.mark.parametrize(
    ("offered", "chosen"),
    [(["ocpp2.0.1", "ocpp1.6"], "ocpp2.0.1"), (["ocpp1.6", "ocpp2.0.1"], "ocpp1.6")],
)
async def test_subprotocol_follows_the_stations_preference(
    running: Running, offered: list[str], chosen: str
) -> None:
    ws = await connect(
        f"{running.base_url}/CP-1",
        additional_headers=_basic("CP-1", PASSWORD),
        subprotocols=[Subprotocol(p) for p in offered],
        proxy=None,
    )
    assert ws.subprotocol == chosen
    await ws.close()


async def test_station_id_in_path_is_percent_decoded(running: Running) -> None:
    await running.add("CP 7/ä")
    station = SimStation(running.base_url, "CP 7/ä", PASSWORD, "2.0.1")
    await station.connect()  # the simulator percent-encodes the id into the path
    assert (await station.boot())["status"] == "Accepted"
    await station.close()


async def test_newest_connection_replaces_the_old_one(running: Running) -> None:
    first = await connect(
        f"{running.base_url}/CP-1",
        additional_headers=_basic("CP-1", PASSWORD),
        subprotocols=[Subprotocol("ocpp1.6")],
        proxy=None,
    )
    second = running.station("CP-1", "1.6")
    await second.connect()
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(first.recv(), 5)
    assert first.close_code == 4000
    assert (await second.boot())["status"] == "Accepted"
    assert len(running.gateway.registry) == 1
    assert "connection_replaced" in await _security_kinds(running)
    station = await running.container.queries.station("CP-1")  # type: ignore[arg-type]
    assert station is not None and station.connected
    await second.close()


async def test_disconnect_marks_station_offline(running: Running) -> None:
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    await station.close()
    for _ in range(50):
        state = await running.container.queries.station("CP-1")  # type: ignore[arg-type]
        if state is not None and not state.connected:
            break
        await asyncio.sleep(0.05)
    assert state is not None and not state.connected
    assert state.last_boot_at is not None


async def test_login_flood_is_refused_and_reported_without_a_row_per_attempt(
    running: Running,
) -> None:
    statuses = [
        await _status_of_refusal(
            f"{running.base_url}/CP-1", _basic("CP-1", "wrong-password-0000000"), ["ocpp1.6"]
        )
        for _ in range(40)
    ]
    # The first LADDNET_LOGIN_FAILURE_LIMIT (10) are checked and refused; then the address and
    # the station id are throttled (429, no password check: see test_login_throttle.py).
    assert statuses == [401] * 10 + [429] * 30

    def kinds(events: list[dict[str, object]]) -> tuple[int, int]:
        bad = len([e for e in events if e["kind"] == "bad_credentials"])
        return bad, len([e for e in events if e["kind"] == "login_throttled"])

    for _ in range(50):  # stored in the background
        if kinds(await running.container.queries.security_events(limit=100)) == (10, 20):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    # At most 20 rows per kind and source: the other 10 throttled attempts are only counted.
    assert kinds(await running.container.queries.security_events(limit=100)) == (10, 20)


async def test_a_connection_that_never_finishes_its_handshake_is_dropped(
    database_url: str,
) -> None:
    container = build(Settings(database_url=database_url, handshake_timeout=0.5))
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
        writer.write(b"GET /ocpp/CP-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and nothing more
        await writer.drain()
        async with asyncio.timeout(5):
            rest = await reader.read()
        assert rest == b""  # closed by the server, without an answer
        writer.close()
        await writer.wait_closed()
    finally:
        await gateway.stop()
        await container.aclose()


async def test_a_connected_station_keeps_no_handshake_headers_and_so_no_password(
    running: Running,
) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    connection = running.gateway.registry.get("CP-1")
    assert connection is not None
    ws = connection.ws
    assert ws.request is not None and ws.response is not None
    assert ws.request.path == "/ocpp/CP-1" and ws.response.status_code == 101
    assert list(ws.request.headers.raw_items()) == []  # Authorization with the password too
    assert list(ws.response.headers.raw_items()) == []
    assert await station.call("Heartbeat", {})  # the connection serves on
    await station.close()
