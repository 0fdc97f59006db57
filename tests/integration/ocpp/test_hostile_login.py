"""Hostile logins and connections: what a station gets and what an operator sees."""

from __future__ import annotations

import asyncio
import base64

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from laddnet.adapters.crypto.passwords import Argon2Hasher, StationSecretHasher
from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.services.handlers.stations import StationService
from tests.integration.ocpp.conftest import PASSWORD, Running


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def _events(running: Running, kind: str, at_least: int = 1) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for _ in range(100):  # security events are written in the background
        events = await running.container.queries.security_events(limit=500)
        found = [e for e in events if e["kind"] == kind]
        if len(found) >= at_least:
            return found
        await asyncio.sleep(0.05)
    return found


async def _open(running: Running, station_id: str = "CP-1") -> ClientConnection:
    return await connect(
        f"{running.base_url}/{station_id}",
        additional_headers={"Authorization": _basic(station_id, PASSWORD)},
        subprotocols=[Subprotocol("ocpp1.6")],
        proxy=None,
    )


@pytest.mark.parametrize("order", ["valid_first", "garbage_first"])
async def test_two_authorization_headers_get_400_not_500(running: Running, order: str) -> None:
    valid, garbage = _basic("CP-1", PASSWORD), "Basic !!!not-base64!!!"
    pair = [valid, garbage] if order == "valid_first" else [garbage, valid]
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            f"{running.base_url}/CP-1",
            additional_headers=[("Authorization", value) for value in pair],
            subprotocols=[Subprotocol("ocpp1.6")],
            proxy=None,
        )
    assert refused.value.response.status_code == 400
    assert b"Authorization" in refused.value.response.body
    assert b"Traceback" not in refused.value.response.body
    assert await _events(running, "malformed_credentials")


class CountingHasher(Argon2Hasher):
    """The real argon2id hasher, counting its verifications (drawn secrets' HMACs are not
    argon2 and are not counted)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=2048)
        self.verified = 0

    def verify(self, hashed: str, secret: str) -> bool:
        self.verified += 1
        return super().verify(hashed, secret)


async def test_unknown_station_costs_one_password_verification_like_a_wrong_password(
    container: Container,
) -> None:
    """Whether the station is unknown, has an argon2id password or a drawn one (ADR 0009), a
    wrong password costs one argon2 verification: the response time tells nothing."""
    hasher = CountingHasher()
    station_secrets = StationSecretHasher(hasher)
    container.stations = StationService(
        container.database, container.clock, station_secrets, node_id=container.settings.node_id
    )
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
    try:
        await running.add("CP-1")
        drawn = await container.stations.add_stations([(StationId("CP-2"), None)])
        costs: dict[str, int] = {}
        for station_id in ("CP-1", "CP-2", "CP-404"):
            before = hasher.verified
            with pytest.raises(InvalidStatus) as refused:
                await connect(
                    f"{running.base_url}/{station_id}",
                    additional_headers={"Authorization": _basic(station_id, "wrong-0000000000")},
                    subprotocols=[Subprotocol("ocpp1.6")],
                    proxy=None,
                )
            assert refused.value.response.status_code == 401
            costs[station_id] = hasher.verified - before
        assert costs == {"CP-1": 1, "CP-2": 1, "CP-404": 1}
        before = hasher.verified
        async with connect(
            f"{running.base_url}/CP-2",
            additional_headers={"Authorization": _basic("CP-2", drawn[StationId("CP-2")])},
            subprotocols=[Subprotocol("ocpp1.6")],
            proxy=None,
        ):
            assert hasher.verified == before  # the right drawn password: no argon2 at all
    finally:
        await gateway.stop()


async def test_replaced_connection_event_names_both_addresses(running: Running) -> None:
    first = await _open(running)
    second = await _open(running)
    old = "{}:{}".format(*first.local_address[:2])
    new = "{}:{}".format(*second.local_address[:2])
    events = await _events(running, "connection_replaced")
    assert events
    detail = str(events[0]["detail"])
    assert new in detail and old in detail
    assert events[0]["remote_address"] == new
    await first.close()
    await second.close()


async def test_stray_answers_are_dropped_and_recorded_rate_limited(running: Running) -> None:
    ws = await _open(running)
    for n in range(15):
        await ws.send(orjson.dumps([3, f"never-sent-{n}", {}]).decode())
        await ws.send(orjson.dumps([4, f"never-sent-e{n}", "GenericError", "", {}]).decode())
    # The connection still works: a CALL after the strays is answered.
    await ws.send(orjson.dumps([2, "boot-1", "BootNotification", _BOOT]).decode())
    reply = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
    assert reply[:2] == [3, "boot-1"]
    stored = await _events(running, "stray_response", at_least=20)
    await asyncio.sleep(0.2)  # nothing beyond the limit arrives late
    stored = await _events(running, "stray_response", at_least=20)
    assert len(stored) == 20  # 30 strays, at most 20 stored a minute for one connection
    details = " ".join(str(e["detail"]) for e in stored)
    assert "never-sent-0" in details and "CALLERROR" in details
    assert all(e["station_id"] == "CP-1" for e in stored)
    await ws.close()


_BOOT = {"chargePointVendor": "Laddnet", "chargePointModel": "Sim-1"}
