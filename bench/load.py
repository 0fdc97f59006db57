"""Load benchmark: the reference responder and Laddnet under the same OCPP load.

    python bench/load.py --stations 2000 [--version 1.6|2.0.1] [--only reference|laddnet|both]

Measures stations connected, boot-storm time, sustained messages/s (80 % meter values, the rest
heartbeats, status notifications and whole transactions), p50/p99 latency and server RSS per
station. Everything runs on 127.0.0.1, is bounded in time, and stops its own processes.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import sys
import tempfile
import time
from asyncio.subprocess import PIPE, Process
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import psutil  # type: ignore[import-untyped]  # no stubs installed

HERE = Path(__file__).resolve().parent
LINE_LIMIT = 1 << 24


@dataclass
class Result:
    name: str
    connected: int = 0
    answered_s: float = 0.0
    boot_s: float = 0.0
    pending: int = 0
    handshake_failures: int = 0
    msgs_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    rss_kib_per_station: float = 0.0
    rss_loaded_kib: float = 0.0
    errors: int = 0
    note: str = ""


def _rss(pid: int) -> int:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _stop(proc: Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            async with asyncio.timeout(10):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()


@contextlib.asynccontextmanager
async def _process(*argv: str, env: dict[str, str] | None = None) -> AsyncIterator[Process]:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=PIPE, stdout=PIPE, env=env, limit=LINE_LIMIT
    )
    try:
        yield proc
    finally:
        await _stop(proc)


async def _ask(proc: Process, cmd: dict[str, Any], limit_s: float) -> dict[str, Any]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(orjson.dumps(cmd) + b"\n")
    await proc.stdin.drain()
    async with asyncio.timeout(limit_s):
        line = await proc.stdout.readline()
    if not line:
        raise RuntimeError("load generator exited")
    answer: dict[str, Any] = orjson.loads(line)
    return answer


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def drive(
    name: str,
    url: str,
    server_pid: int,
    args: argparse.Namespace,
    *,
    passwords: str | None = None,
    cafile: str | None = None,
) -> Result:
    """Run the boot storm and the sustained load against one server. `passwords`: a CSV of
    each station's own password (else `--password` for all); `cafile`: the CA of a wss://
    server."""
    result = Result(name)
    rss_base = _rss(server_pid)
    per = -(-args.stations // args.workers)
    async with contextlib.AsyncExitStack() as stack:
        workers = []
        for w in range(args.workers):
            count = min(per, args.stations - w * per)
            if count <= 0:
                break
            argv = [sys.executable, str(HERE / "loadgen.py"), "--url", url, "--count", str(count)]
            argv += ["--first", str(w * per), "--version", args.version, "--prefix", args.prefix]
            argv += ["--passwords", passwords] if passwords else ["--password", args.password]
            argv += ["--think", str(args.think)]
            argv += ["--compression"] if args.compression else []
            argv += ["--cafile", cafile] if cafile else []
            workers.append(await stack.enter_async_context(_process(*argv)))
        for proc in workers:
            assert proc.stdout is not None
            async with asyncio.timeout(30):
                await proc.stdout.readline()
        t0 = time.monotonic()
        boot_cmd = {"cmd": "boot", "deadline": args.boot_deadline}
        boots = await asyncio.gather(*(_ask(p, boot_cmd, args.boot_deadline + 30) for p in workers))
        result.boot_s = time.monotonic() - t0
        result.connected = sum(b["booted"] for b in boots)
        result.answered_s = max(b["answered_s"] for b in boots)
        result.pending = sum(b["pending"] for b in boots)
        result.handshake_failures = sum(b["handshake_failures"] for b in boots)
        kinds = {k: v for b in boots for k, v in b["failure_kinds"].items()}
        if kinds:
            result.note = f"handshake failures: {kinds}"
        if result.connected:
            result.rss_kib_per_station = (_rss(server_pid) - rss_base) / 1024 / result.connected
        load_cmd = {"cmd": "load", "seconds": args.seconds, "warmup": args.warmup}
        window = time.time() + args.warmup  # an epoch, to match with server-side traces
        print(f"{name}: measured window {window:.1f}-{window + args.seconds:.1f} (epoch s)")
        loads = await asyncio.gather(
            *(_ask(p, load_cmd, args.seconds + args.warmup + 60) for p in workers)
        )
        if result.connected:
            result.rss_loaded_kib = (_rss(server_pid) - rss_base) / 1024 / result.connected
        result.msgs_per_s = sum(r["messages"] for r in loads) / args.seconds
        result.errors = sum(r["errors"] for r in loads) + sum(b["failed"] for b in boots)
        latencies = sorted(x for r in loads for x in r["latency_ms"])
        result.p50_ms, result.p99_ms = _percentile(latencies, 0.5), _percentile(latencies, 0.99)
        await asyncio.gather(*(_ask(p, {"cmd": "quit"}, 60) for p in workers))
    return result


async def bench_reference(args: argparse.Namespace) -> Result:
    argv = [sys.executable, str(HERE / "reference_server.py"), "--port", "0"]
    async with _process(*argv) as server:
        assert server.stdout is not None
        async with asyncio.timeout(30):
            ready = (await server.stdout.readline()).decode().split()
        url = f"ws://127.0.0.1:{ready[1]}/ocpp"
        return await drive("reference", url, server.pid, args)


async def _wait_port(port: int, limit_s: float) -> None:
    async with asyncio.timeout(limit_s):
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.2)
                continue
            writer.close()
            await writer.wait_closed()
            return


async def bench_laddnet(args: argparse.Namespace) -> Result:
    laddnet = shutil.which("laddnet") or str(Path(sys.executable).parent / "laddnet")
    with tempfile.TemporaryDirectory(prefix="laddnet-bench-") as tmp:
        ids = [f"{args.prefix}{i:06d}" for i in range(args.stations)]
        passwords: str | None = None  # the file of the passwords Laddnet drew
        if args.chosen_password:  # the operator's password for all: argon2id, as people's
            rows = [f"{i},{args.password}" for i in ids]
            (Path(tmp) / "stations.csv").write_text("id,password\n" + "\n".join(rows) + "\n")
            imported = ["station", "import", "stations.csv"]
        else:  # Laddnet draws each station's password (ADR 0009)
            (Path(tmp) / "stations.csv").write_text("id\n" + "\n".join(ids) + "\n")
            imported = ["station", "import", "stations.csv", "--passwords-out", "passwords.csv"]
            passwords = str(Path(tmp) / "passwords.csv")
        ocpp_port, http_port = _free_port(), _free_port()
        env = dict(os.environ)
        env.update(
            LADDNET_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
            LADDNET_OCPP_PORT=str(ocpp_port),
            LADDNET_HTTP_PORT=str(http_port),
            # every simulated station connects from 127.0.0.1: no per-address rate limit
            LADDNET_CONNECTION_RATE_LIMIT_PER_ADDRESS="0",
        )
        tls_port = _free_port()
        if args.tls:  # security profile 2: TLS with the password, on the TLS listener
            env.update(_bench_pki(Path(tmp)), LADDNET_OCPP_TLS_PORT=str(tls_port))
        for step in (["migrate"], imported):
            proc = await asyncio.create_subprocess_exec(
                laddnet, *step, cwd=tmp, env=env, stderr=PIPE
            )
            try:
                async with asyncio.timeout(600):
                    _, err = await proc.communicate()
            finally:
                await _stop(proc)
            if proc.returncode != 0:
                note = f"{' '.join(step)} failed: {err.decode()[-300:]!r}"
                return Result("laddnet", note=note)
        if args.tls and not args.database_url:
            _set_profile_2(Path(tmp) / "bench.db")
        serve = ["serve"]
        if args.serve_workers > 1:  # several gateway processes: PostgreSQL and the bus
            serve += ["--workers", str(args.serve_workers)]
            env["LADDNET_BUS_URL"] = args.bus_url
        async with _process(laddnet, *serve, env=env) as server:
            await _wait_port(ocpp_port, 60)
            url, cafile = f"ws://127.0.0.1:{ocpp_port}/ocpp", None
            if args.tls:
                await _wait_port(tls_port, 60)
                url, cafile = f"wss://127.0.0.1:{tls_port}/ocpp", str(Path(tmp) / "station-ca.pem")
            name = "laddnet" + ("-tls" if args.tls else "")
            return await drive(name, url, server.pid, args, passwords=passwords, cafile=cafile)


def _bench_pki(directory: Path) -> dict[str, str]:
    """A CA and a server certificate for 127.0.0.1 (Laddnet's own helpers), as settings."""
    from datetime import UTC, datetime

    from laddnet.adapters.crypto.station_ca import init_ca, issue_server_certificate

    now = datetime.now(UTC)
    ca = init_ca(directory, "Bench CA", now)
    cert, key = issue_server_certificate(ca, ["127.0.0.1"], directory, now, days=2)
    return {"LADDNET_TLS_CERT": cert, "LADDNET_TLS_KEY": key}


def _set_profile_2(db: Path) -> None:
    """Every imported station is a security profile 2 station (TLS and its password)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stations SET security_profile = 2")


def _table(results: list[Result], args: argparse.Namespace) -> str:
    cols = ["connected", "answered_s", "boot_s", "msgs_per_s", "p50_ms", "p99_ms"]
    cols += ["rss_kib_per_station", "rss_loaded_kib"]
    extra = ["pending", "handshake_failures", "errors"]
    lines = [
        f"OCPP {args.version}, {args.stations} stations, {args.workers} load processes, "
        f"{args.seconds:g} s window, {os.cpu_count()} CPUs"
        + (", permessage-deflate offered" if args.compression else "")
        + (", TLS (security profile 2)" if args.tls else "")
    ]
    lines.append(f"{'':<12}" + "".join(f"{c:>20}" for c in [*cols, *extra]))
    for r in results:
        values = [getattr(r, c) for c in [*cols, *extra]]
        lines.append(
            f"{r.name:<12}"
            + "".join(f"{v:>20.1f}" if isinstance(v, float) else f"{v:>20}" for v in values)
            + (f"  {r.note}" if r.note else "")
        )
    if len(results) == 2 and results[0].connected and results[1].connected:
        ref, lad = results
        ratios = [getattr(lad, c) / getattr(ref, c) if getattr(ref, c) else 0.0 for c in cols]
        lines.append(f"{'laddnet/ref':<12}" + "".join(f"{v:>20.2f}" for v in ratios))
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    if args.tls:
        args.only = "laddnet"  # the reference responder has no TLS listener
    results = []
    if args.only in ("reference", "both"):
        results.append(await bench_reference(args))
    if args.only in ("laddnet", "both"):
        results.append(await bench_laddnet(args))
    print(_table(results, args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2)))
    parser.add_argument("--version", default="1.6", choices=["1.6", "2.0.1"])
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--boot-deadline", type=float, default=120.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between a station's messages"
    )
    parser.add_argument("--only", default="both", choices=["reference", "laddnet", "both"])
    parser.add_argument(
        "--database-url",
        help="an empty database to run Laddnet on instead of a temporary SQLite file",
    )
    parser.add_argument(
        "--serve-workers",
        type=int,
        default=1,
        help="gateway processes of `laddnet serve --workers N` (needs --database-url, PostgreSQL)",
    )
    parser.add_argument("--bus-url", default="nats://127.0.0.1:4222", help="with --serve-workers")
    parser.add_argument(
        "--compression",
        action="store_true",
        help="stations offer WebSocket compression (permessage-deflate), which Laddnet accepts"
        " unless LADDNET_WS_COMPRESSION=false",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="security profile 2: the stations are profile 2 and connect over TLS with their"
        " password (Laddnet only; a temporary CA and server certificate)",
    )
    parser.add_argument("--prefix", default="BENCH-")
    parser.add_argument(
        "--chosen-password",
        action="store_true",
        help="give every station the operator's password --password (argon2id) instead of"
        " one Laddnet draws (a cheap hash: ADR 0009)",
    )
    parser.add_argument("--password", default="bench-password-0123")
    asyncio.run(main(parser.parse_args()))
