"""Command latency across two processes: API of node B -> bus -> node A -> station -> back.

    .venv/bin/python bench/command_latency.py --commands 300

Starts two `laddnet serve` processes on a fresh PostgreSQL database (LADDNET_TEST_PG, default
postgresql://postgres@127.0.0.1:5432) joined by NATS (LADDNET_TEST_NATS, default
nats://127.0.0.1:4222), connects one simulated 1.6 station to node A and sends `reset` commands
one after another through node B's API; then the same through node A's API (the local path)
for comparison. Prints p50/p99 in milliseconds. Figures only; quote them with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

from laddnet.sim.station import SimStation

PG = os.environ.get("LADDNET_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
NATS = os.environ.get("LADDNET_TEST_NATS", "nats://127.0.0.1:4222")
PASSWORD = "bench-station-password-01"
LADDNET = [str(Path(sys.executable).with_name("laddnet"))]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(db: str, node: str, ocpp: int, http: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LADDNET_")}
    return env | {
        "LADDNET_DATABASE_URL": db,
        "LADDNET_BUS_URL": NATS,
        "LADDNET_NODE_ID": node,
        "LADDNET_HOST": "127.0.0.1",
        "LADDNET_OCPP_PORT": str(ocpp),
        "LADDNET_HTTP_PORT": str(http),
    }


def _prepare(env: dict[str, str], cwd: str) -> str:
    """Migrate, add the station, create an admin key (returned)."""
    quiet = {"env": env, "cwd": cwd, "check": True, "capture_output": True, "text": True}
    subprocess.run([*LADDNET, "migrate"], **quiet)  # type: ignore[call-overload]
    subprocess.run([*LADDNET, "station", "add", "CP-1", "--password", PASSWORD], **quiet)  # type: ignore[call-overload]
    out = subprocess.run([*LADDNET, "apikey", "create", "--role", "admin"], **quiet)  # type: ignore[call-overload]
    return str(out.stdout).strip().splitlines()[-1]


def _spawn(env: dict[str, str], cwd: str) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL
    return subprocess.Popen([*LADDNET, "serve"], env=env, cwd=cwd, stdout=out, stderr=out)


async def _ready(http: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http}") as client:
        for _ in range(400):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise SystemExit("serve did not become ready")


async def _measure(api: str, key: str, n: int) -> list[float]:
    times: list[float] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=30) as client:
        for _ in range(n):
            start = time.perf_counter()
            answer = await client.post(
                "/api/v1/stations/CP-1/commands/reset", json={"type": "soft"}
            )
            times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 200, answer.text
    return times


def _figures(label: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=100)
    return f"{label:<28} n={len(times)} p50={q[49]:.1f} ms p99={q[98]:.1f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=300)
    args = parser.parse_args()
    name = f"laddnet_bench_{uuid.uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(f"{PG}/postgres", autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    db = f"{PG}/{name}"
    ports = [(_port(), _port()), (_port(), _port())]
    envs = [_env(db, node, *p) for node, p in zip(("node-a", "node-b"), ports, strict=True)]
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            key = await asyncio.to_thread(_prepare, envs[0], tmp)
            for env in envs:
                procs.append(await asyncio.to_thread(_spawn, env, tmp))
            for _, http in ports:
                await _ready(http)
            station = SimStation(f"ws://127.0.0.1:{ports[0][0]}/ocpp", "CP-1", PASSWORD, "1.6")
            await station.connect()
            await station.boot()
            await _measure(f"http://127.0.0.1:{ports[1][1]}", key, 20)  # warm up
            remote = await _measure(f"http://127.0.0.1:{ports[1][1]}", key, args.commands)
            local = await _measure(f"http://127.0.0.1:{ports[0][1]}", key, args.commands)
            await station.close()
        finally:
            for proc in procs:
                proc.terminate()
                await asyncio.to_thread(proc.wait, 15)
            async with await psycopg.AsyncConnection.connect(
                f"{PG}/postgres", autocommit=True
            ) as admin:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(_figures("through node B (the bus)", remote))
    print(_figures("through node A (local)", local))


if __name__ == "__main__":
    asyncio.run(main())
