"""Command latency: from the API call to the station's answer, with many stations connected.

    python -m bench.commands --stations 10000 --commands 2000 [--version 1.6|2.0.1]

Starts `laddnet serve` on a temporary SQLite database (or `--database-url`), connects the
stations (raw OCPP clients that answer every CALL from the server at once with Accepted), then
sends `reset` commands to random stations through `POST /api/v1/stations/{id}/commands/reset`,
first one at a time, then `--concurrency` at once. Prints p50/p99 latency and commands/s: each
command is two committed writes (recorded, then its outcome) and one CALL round trip.
Everything runs on 127.0.0.1, is bounded in time, and stops its own processes. Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import orjson

from bench.load import _free_port, _percentile, _process, _stop, _wait_port
from bench.loadgen import Station


async def _answer_calls(station: Station) -> None:
    """Answer every CALL the server sends, as a station would, until the connection closes."""
    assert station.ws is not None
    try:
        async for raw in station.ws:
            frame = orjson.loads(raw)
            if frame[0] == 2:
                await station.ws.send(orjson.dumps([3, frame[1], {"status": "Accepted"}]).decode())
    except Exception:  # noqa: S110 - the bench ends by closing every connection
        pass


async def _laddnet(*argv: str, env: dict[str, str], cwd: str) -> str:
    laddnet = str(Path(sys.executable).parent / "laddnet")
    proc = await asyncio.create_subprocess_exec(
        laddnet, *argv, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE
    )
    try:
        async with asyncio.timeout(600):
            out, _ = await proc.communicate()
    finally:
        await _stop(proc)
    if proc.returncode != 0:
        raise SystemExit(f"laddnet {' '.join(argv)} failed")
    return out.decode()


async def _run(client: httpx.AsyncClient, ids: list[str], count: int, parallel: int) -> str:
    latencies: list[float] = []
    errors = 0
    left = count

    async def worker() -> None:
        nonlocal left, errors
        while left > 0:
            left -= 1
            station = random.choice(ids)
            began = time.perf_counter()
            answer = await client.post(
                f"/api/v1/stations/{station}/commands/reset", json={"type": "soft"}
            )
            latencies.append((time.perf_counter() - began) * 1000)
            errors += answer.status_code != 200

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(parallel)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return (
        f"{parallel:>11} {len(latencies):>9} {len(latencies) / elapsed:>10.1f} "
        f"{_percentile(latencies, 0.5):>9.1f} {_percentile(latencies, 0.99):>9.1f} {errors:>7}"
    )


async def main(args: argparse.Namespace) -> None:
    password = "bench-station-password"
    with tempfile.TemporaryDirectory(prefix="laddnet-bench-") as tmp:
        ids = [f"CMD{i:06d}" for i in range(args.stations)]
        rows = "\n".join(f"{sid},{password}" for sid in ids)
        (Path(tmp) / "stations.csv").write_text(f"id,password\n{rows}\n")
        ocpp_port, http_port = _free_port(), _free_port()
        env = dict(os.environ)
        env.update(
            LADDNET_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
            LADDNET_OCPP_PORT=str(ocpp_port),
            LADDNET_HTTP_PORT=str(http_port),
            LADDNET_NODE_ID="bench-a",
            # every simulated station connects from 127.0.0.1: no per-address rate limit
            LADDNET_CONNECTION_RATE_LIMIT_PER_ADDRESS="0",
        )
        if args.bus_url:
            env["LADDNET_BUS_URL"] = args.bus_url
        await _laddnet("migrate", env=env, cwd=tmp)
        await _laddnet("station", "import", "stations.csv", env=env, cwd=tmp)
        key = (await _laddnet("apikey", "create", "--role", "admin", env=env, cwd=tmp)).split()[-1]
        laddnet = str(Path(sys.executable).parent / "laddnet")
        # With the bus, a second node (no station connects to it) takes the API calls: every
        # command crosses the bus to the node holding the station and back.
        api_port = _free_port() if args.bus_url else http_port
        env_b = env | {
            "LADDNET_NODE_ID": "bench-b",
            "LADDNET_HTTP_PORT": str(api_port),
            "LADDNET_OCPP_PORT": str(_free_port()),
        }
        async with contextlib.AsyncExitStack() as nodes:
            await nodes.enter_async_context(_process(laddnet, "serve", env=env))
            if args.bus_url:
                await nodes.enter_async_context(_process(laddnet, "serve", env=env_b))
            await _wait_port(ocpp_port, 60)
            await _wait_port(api_port, 60)
            options = SimpleNamespace(
                version=args.version, url=f"ws://127.0.0.1:{ocpp_port}/ocpp", password=password
            )
            stations = [Station(options, sid) for sid in ids]  # type: ignore[arg-type]
            deadline = time.monotonic() + 120
            booted = await asyncio.gather(*(s.boot(deadline) for s in stations))
            readers = [asyncio.create_task(_answer_calls(s)) for s in stations]
            connected = [s.id for s, ok in zip(stations, booted, strict=True) if ok]
            print(
                f"OCPP {args.version}, {len(connected)} of {args.stations} stations connected, "
                f"{os.cpu_count()} CPUs, database {'given' if args.database_url else 'SQLite'}, "
                f"{'through a second node on the bus' if args.bus_url else 'one process'}"
            )
            print(
                f"{'in flight':>11} {'commands':>9} {'per s':>10} {'p50 ms':>9} {'p99 ms':>9} "
                f"{'errors':>7}"
            )
            headers = {"Authorization": f"Bearer {key}"}
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{api_port}", headers=headers, timeout=60
            ) as client:
                for parallel in (1, args.concurrency):
                    print(await _run(client, connected, args.commands, parallel))
            for station in stations:
                if station.ws is not None:
                    await station.ws.close()
            await asyncio.gather(*readers, return_exceptions=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=1000)
    parser.add_argument("--commands", type=int, default=500, help="commands per run")
    parser.add_argument("--concurrency", type=int, default=32, help="commands in flight, run 2")
    parser.add_argument("--version", choices=["1.6", "2.0.1"], default="1.6")
    parser.add_argument("--database-url", default=None, help="an empty database (PostgreSQL)")
    parser.add_argument(
        "--bus-url",
        default=None,
        help="nats://...: send the commands through a second node's API (needs --database-url)",
    )
    asyncio.run(main(parser.parse_args()))
