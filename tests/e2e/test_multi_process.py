"""Several `laddnet serve` processes on one PostgreSQL database joined by the real NATS bus:
commands reach a station through any node, a station moving between nodes keeps one live
connection, a node killed mid-command is a prompt error, and `serve --workers N`."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from laddnet.sim.station import SimStation
from tests.bus import nats_url
from tests.e2e.conftest import PASSWORD, Laddnet, Server, Servers, one_line_error
from tests.integration.api.conftest import serving

VERSIONS = ["1.6", "2.0.1"]
REPLACED = 4000


@dataclass
class Node(Laddnet):
    """One node of a cluster: its own ports and node id, the shared database and bus."""

    extra: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return super().env | self.extra


@dataclass
class Cluster:
    tmp_path: Path
    database_url: str
    bus_url: str
    servers: Servers
    made: list[SimStation] = field(default_factory=list)
    namespace: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex}")

    def node(self, node_id: str, **extra: str) -> Node:
        # Its own namespace: other tests' clusters on the shared NATS server use the same node
        # names, and must neither answer this one's commands nor see its events.
        env = {
            "LADDNET_NODE_ID": node_id,
            "LADDNET_BUS_URL": self.bus_url,
            "LADDNET_BUS_NAMESPACE": self.namespace,
        } | extra
        return Node(self.tmp_path, self.database_url, extra=env)

    async def start(self, node: Node) -> Server:
        return await self.servers.start(node)

    async def station(self, node: Node, station_id: str, version: str) -> SimStation:
        station = SimStation(node.ocpp_url, station_id, PASSWORD, version, call_timeout=5)
        self.made.append(station)
        await station.connect()
        assert (await station.boot())["status"] == "Accepted"
        return station


@pytest.fixture
async def cluster(tmp_path: Path, servers: Servers, postgres_url: str) -> AsyncIterator[Cluster]:
    bus = await nats_url()
    made = Cluster(tmp_path, postgres_url, bus, servers)
    try:
        yield made
    finally:
        for station in made.made:
            await station.close()
        await servers.close()


async def _api_key(node: Node) -> str:
    return (await node.aok("apikey", "create", "--role", "admin")).strip().splitlines()[-1]


async def _command(node: Node, key: str, station_id: str, name: str, body: Any) -> httpx.Response:
    async with httpx.AsyncClient(
        base_url=node.api_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as api:
        return await api.post(f"/api/v1/stations/{station_id}/commands/{name}", json=body)


async def _node_of(node: Node, key: str, station_id: str) -> tuple[bool, str | None]:
    async with httpx.AsyncClient(
        base_url=node.api_url, headers={"Authorization": f"Bearer {key}"}, timeout=10
    ) as api:
        body = (await api.get(f"/api/v1/stations/{station_id}")).json()
    return body["connected"], body.get("node")


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_command_sent_through_one_node_is_answered_by_a_station_on_another(
    cluster: Cluster, version: str
) -> None:
    a, b = cluster.node("node-a"), cluster.node("node-b")
    await a.aok("station", "add", "CP-1", "--password", PASSWORD)
    key = await _api_key(a)
    await cluster.start(a)
    await cluster.start(b)
    station = await cluster.station(a, "CP-1", version)

    # (Not a reset: the simulated station would reboot, and be offline for the next command.)
    answer = await _command(b, key, "CP-1", "unlock-connector", {"evse_id": 1})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "Unlocked"
    assert station.received_calls[-1][0] == "UnlockConnector"

    # A station's own "no" travels back as it would from a local station: a 502 with its code.
    station.responder.table = {}
    refused = await _command(b, key, "CP-1", "clear-cache", {})
    assert refused.status_code == 502, refused.text


async def test_a_station_moving_to_another_node_keeps_one_connection_and_stays_online(
    cluster: Cluster,
) -> None:
    a, b = cluster.node("node-a"), cluster.node("node-b")
    await a.aok("station", "add", "CP-1", "--password", PASSWORD)
    key = await _api_key(a)
    await cluster.start(a)
    await cluster.start(b)
    old = await cluster.station(a, "CP-1", "2.0.1")
    assert await _node_of(a, key, "CP-1") == (True, "node-a")

    new = await cluster.station(b, "CP-1", "2.0.1")  # node-a's connection is now the stale one
    async with asyncio.timeout(5):
        while old.connected:
            await asyncio.sleep(0.02)
    assert old._link is not None
    assert old._link.ws.close_code == REPLACED
    await asyncio.sleep(0.3)  # node-a's "offline" write, had it made one, is in by now
    assert await _node_of(a, key, "CP-1") == (True, "node-b")
    assert new.connected

    answer = await _command(a, key, "CP-1", "reset", {"type": "soft"})
    assert answer.status_code == 200, answer.text
    assert new.received_calls[-1][0] == "Reset"


async def test_a_node_killed_while_a_command_to_its_station_is_in_flight_is_a_prompt_error(
    cluster: Cluster,
) -> None:
    a = cluster.node("node-a", LADDNET_CALL_TIMEOUT="2")
    b = cluster.node("node-b", LADDNET_CALL_TIMEOUT="2")
    await a.aok("station", "add", "CP-1", "--password", PASSWORD)
    key = await _api_key(a)
    server_a = await cluster.start(a)
    await cluster.start(b)
    station = SimStation(a.ocpp_url, "CP-1", PASSWORD, "1.6", call_timeout=5, auto_answer=False)
    cluster.made.append(station)
    await station.connect()
    await station.boot()

    loop = asyncio.get_running_loop()
    start = loop.time()
    in_flight = asyncio.create_task(_command(b, key, "CP-1", "reset", {"type": "soft"}))
    await asyncio.sleep(0.5)
    await server_a.kill()
    answer = await in_flight
    assert answer.status_code in (504, 409), answer.text
    assert loop.time() - start < 2 + 2 + 1.5  # the call timeout and the bus's margin, no more

    # node-a is gone and never cleared its station's flag: nobody answers on its subject.
    start = loop.time()
    again = await _command(b, key, "CP-1", "reset", {"type": "soft"})
    assert again.status_code == 409, again.text
    assert loop.time() - start < 1


async def test_serve_with_two_workers_accepts_stations_on_one_port_and_answers_commands(
    cluster: Cluster,
) -> None:
    node = cluster.node("pool")
    ids = [f"CP-{n}" for n in range(1, 7)]
    for station_id in ids:
        await node.aok("station", "add", station_id, "--password", PASSWORD)
    key = await _api_key(node)
    server = Server(node, cluster.tmp_path / "workers.log")
    cluster.servers.started.append(server)
    with server.log.open("ab") as out:
        server.proc = await asyncio.create_subprocess_exec(
            *_serve_command("--workers", "2"),
            env=node.env,
            cwd=node.workdir,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    await server.wait_ready()
    stations = [
        await cluster.station(node, sid, "1.6" if i % 2 else "2.0.1") for i, sid in enumerate(ids)
    ]
    nodes = set()
    for station in stations:
        connected, held_by = await _node_of(node, key, station.station_id)
        assert connected
        nodes.add(held_by)
        answer = await _command(node, key, station.station_id, "reset", {"type": "soft"})
        assert answer.status_code == 200, answer.text
    assert nodes <= {"pool-1", "pool-2"}, nodes

    assert await server.stop(signal.SIGTERM) == 0, server.output()
    async with asyncio.timeout(5):
        while any(s.connected for s in stations):
            await asyncio.sleep(0.02)


def _serve_command(*args: str) -> list[str]:
    from tests.e2e.conftest import laddnet_command

    return [*laddnet_command(), "serve", *args]


async def test_serve_with_workers_refuses_sqlite_and_a_missing_bus(
    laddnet: Laddnet, cluster: Cluster
) -> None:
    on_sqlite = await laddnet.arun("serve", "--workers", "2")
    assert on_sqlite.returncode == 1
    assert "PostgreSQL" in one_line_error(on_sqlite.stderr)

    no_bus = cluster.node("pool", LADDNET_BUS_URL="")
    del no_bus.extra["LADDNET_BUS_URL"]
    refused = await no_bus.arun("serve", "--workers", "2")
    assert refused.returncode == 1
    assert "LADDNET_BUS_URL" in one_line_error(refused.stderr)


async def test_events_reach_every_nodes_streams_and_each_webhook_is_sent_once(
    cluster: Cluster,
) -> None:
    received: list[bytes] = []
    receiver = FastAPI()

    async def hook(request: Request) -> Response:
        received.append(await request.body())
        return Response(status_code=204)

    receiver.add_api_route("/hook", hook, methods=["POST"])
    a, b = cluster.node("node-a"), cluster.node("node-b")
    await a.aok("station", "add", "CP-1", "--password", PASSWORD)
    key = await _api_key(a)
    await cluster.start(a)
    await cluster.start(b)
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        serving(receiver) as receiver_url,
        httpx.AsyncClient(base_url=b.api_url, headers=headers, timeout=30) as api_b,
    ):
        subscribed = await api_b.post(
            "/api/v1/webhooks", json={"url": f"{receiver_url}/hook", "events": ["*"]}
        )
        assert subscribed.status_code == 201, subscribed.text
        seen_on_b: list[dict[str, Any]] = []

        async def follow() -> None:
            params = {"types": "station.connected", "station_id": "CP-1"}
            async with api_b.stream("GET", "/api/v1/events", params=params) as stream:
                async for line in stream.aiter_lines():
                    if line.startswith("data:"):
                        seen_on_b.append(json.loads(line.removeprefix("data:")))

        follower = asyncio.create_task(follow())
        await asyncio.sleep(0.5)  # the stream is open before the station connects
        await cluster.station(a, "CP-1", "1.6")  # connected to node A, followed on node B
        async with asyncio.timeout(15):
            while not seen_on_b:
                await asyncio.sleep(0.05)
        follower.cancel()
        assert seen_on_b[0]["station_id"] == "CP-1"
        assert seen_on_b[0]["data"]["node"] == "node-a"

        connected_id = seen_on_b[0]["id"]
        async with asyncio.timeout(15):
            while not any(json.loads(r)["id"] == connected_id for r in received):
                await asyncio.sleep(0.05)
        await asyncio.sleep(2.5)  # both nodes' senders had their turn at the delivery
    ids = [json.loads(r)["id"] for r in received]
    assert len(ids) == len(set(ids)), "an event was delivered twice"
