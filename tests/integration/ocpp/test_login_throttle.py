"""Failed station logins throttled per station id and per address over real WebSockets, on
SQLite and PostgreSQL: guesses get 429 without a password verification, while the real station
(whose password this process has verified) still gets in."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from tests.integration.ocpp.conftest import PASSWORD, Running

LIMIT = 3


@pytest.fixture
async def strict(database_url: str) -> AsyncIterator[Running]:
    container: Container = build(
        Settings(
            database_url=database_url,
            login_failure_limit=LIMIT,
            login_failure_limit_per_address=LIMIT,
            login_failure_window=600,
        )
    )
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        for sid in ("CP-1", "CP-2"):
            await container.stations.add_station(StationId(sid), PASSWORD)
        yield Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
    finally:
        await gateway.stop()
        await container.aclose()


async def _login(running: Running, station_id: str, password: str) -> int:
    """101 if the station got in, else the HTTP status it was refused with."""
    token = base64.b64encode(f"{station_id}:{password}".encode()).decode()
    try:
        ws = await connect(
            f"{running.base_url}/{station_id}",
            additional_headers={"Authorization": f"Basic {token}"},
            subprotocols=[Subprotocol("ocpp1.6")],
            proxy=None,
        )
    except InvalidStatus as refused:
        response = refused.response
    else:
        await ws.close()
        return 101
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) >= 1
    return response.status_code


async def test_guessing_is_throttled_but_the_real_station_gets_in(strict: Running) -> None:
    assert await _login(strict, "CP-1", PASSWORD) == 101  # the real station, verified once
    wrong = "guessed-password-000001"
    assert [await _login(strict, "CP-1", wrong) for _ in range(LIMIT)] == [401] * LIMIT
    assert await _login(strict, "CP-1", wrong) == 429  # no argon2 for this one
    assert await _login(strict, "CP-1", PASSWORD) == 101  # not locked out
    async with asyncio.timeout(5):
        while not any(
            e["kind"] == "login_throttled" for e in await strict.container.queries.security_events()
        ):
            await asyncio.sleep(0.05)


async def test_an_address_that_fails_for_many_ids_is_throttled_for_all(strict: Running) -> None:
    wrong = "guessed-password-000002"
    statuses = [await _login(strict, f"CP-{n}", wrong) for n in (1, 2, 1)]
    assert statuses == [401, 401, 401]
    # CP-2 never logged in on this process: even its right password waits out the window,
    # from this address (a station's own address rarely guesses other stations' passwords).
    assert await _login(strict, "CP-2", PASSWORD) == 429
