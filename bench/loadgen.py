"""One load-generator process: many raw OCPP stations, driven by `load.py` over stdin/stdout.

Commands (one JSON object a line on stdin): {"cmd": "boot", "deadline": s},
{"cmd": "load", "seconds": s, "warmup": s}, {"cmd": "quit"}. Each answers one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import csv
import gc
import random
import ssl
import sys
import time
import uuid
from collections import Counter
from itertools import count
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Subprotocol

from laddnet.ocpp.tls import share_read_buffers
from laddnet.sim import v16, v201
from laddnet.sim.frames import utc_now
from laddnet.sim.meter import reading
from laddnet.sim.state import EvseState

SAMPLES_MAX = 20_000
FAILURES: Counter[str] = Counter()  # handshake failures by kind
_ids = count()


_CONTEXTS: dict[str, ssl.SSLContext] = {}
PASSWORDS: dict[str, str] = {}  # station id -> its own password (--passwords)


def _ssl_context(cafile: str) -> ssl.SSLContext:
    """One client context per process (loading the CA for each station would cost seconds)."""
    if cafile not in _CONTEXTS:
        _CONTEXTS[cafile] = ssl.create_default_context(cafile=cafile)
    return _CONTEXTS[cafile]


class Station:
    def __init__(self, args: argparse.Namespace, station_id: str) -> None:
        self.id, self.version = station_id, args.version
        self.url = f"{args.url.rstrip('/')}/{station_id}"
        password = PASSWORDS.get(station_id, args.password)
        self.token = base64.b64encode(f"{station_id}:{password}".encode()).decode()
        self.compression = "deflate" if args.compression else None  # offer RFC 7692
        self.ssl = _ssl_context(args.cafile) if args.cafile else None  # wss:// (profile 2)
        self.ws: ClientConnection | None = None
        self.msg: Any = v16 if args.version == "1.6" else v201
        self.evse = EvseState(1)
        self.register_wh = random.randint(0, 1_000_000)
        self.answered_at: float | None = None  # the first BootNotification answer
        self.pending = 0
        self.handshake_failures = 0

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.ws is not None
        message_id = str(next(_ids))
        await self.ws.send(orjson.dumps([2, message_id, action, payload]).decode())
        while True:
            frame = orjson.loads(await self.ws.recv())
            if frame[0] == 2:  # the CSMS asks something: we implement nothing
                await self.ws.send(orjson.dumps([4, frame[1], "NotImplemented", "", {}]).decode())
            elif frame[1] == message_id:
                if frame[0] == 4:
                    raise RuntimeError(f"CALLERROR {frame[2]}")
                result: dict[str, Any] = frame[2]
                return result

    async def boot(self, deadline: float) -> bool:
        subprotocol = Subprotocol("ocpp1.6" if self.version == "1.6" else "ocpp2.0.1")
        while time.monotonic() < deadline:
            try:
                if self.ws is None:
                    self.ws = await connect(
                        self.url,
                        subprotocols=[subprotocol],
                        additional_headers={"Authorization": f"Basic {self.token}"},
                        compression=self.compression,
                        ssl=self.ssl,
                        proxy=None,
                        ping_interval=None,
                        open_timeout=max(1.0, deadline - time.monotonic()),
                    )
                result = await self.call("BootNotification", self.msg.boot(self.id, "Bench", "L"))
                if self.answered_at is None:
                    self.answered_at = time.monotonic()
                if result.get("status") == "Accepted":
                    return True
                self.pending += 1
                interval = max(int(result.get("interval", 1)), 1)
                await asyncio.sleep(interval * random.uniform(1.0, 1.2))
            except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as exc:
                if self.ws is None:
                    self.handshake_failures += 1
                    FAILURES[f"{type(exc).__name__}: {exc}"[:80]] += 1
                self.ws = None
                await asyncio.sleep(random.uniform(0.5, 1.5))
        return False

    def cycle(self) -> list[tuple[str, dict[str, Any]]]:
        """One transaction and its companions: 25 messages, 20 of them meter values."""
        return (
            [("start", {})]
            + [("meter", {})] * 20
            + [("heartbeat", {}), ("stop", {})]
            + [
                ("status", {"s": "Charging"}),
                ("status", {"s": "Available"}),
            ]
        )

    async def step(self, kind: str, arg: dict[str, Any]) -> None:
        evse, now = self.evse, utc_now()
        if kind == "start":
            evse.meter_start_wh = self.register_wh
            evse.id_tag, evse.seq_no, evse.started_at = "BENCH-TAG", 0, now
            evse.transaction_id = str(uuid.uuid4())
            action = "StartTransaction" if self.version == "1.6" else "TransactionEvent"
            result = await self.call(action, self.msg.start(evse, now))
            if self.version == "1.6":
                evse.transaction_id = str(result["transactionId"])
        elif kind == "meter":
            self.register_wh += random.randint(20, 60)
            r = reading(self.register_wh, 11_000, self.register_wh - evse.meter_start_wh, 40)
            payload = self.msg.meter(evse, r, now)
            if self.version == "1.6":
                payload["transactionId"] = int(evse.transaction_id or -1)
            await self.call("MeterValues" if self.version == "1.6" else "TransactionEvent", payload)
        elif kind == "stop":
            r = reading(self.register_wh, 0, self.register_wh - evse.meter_start_wh, 40)
            payload = self.msg.stop(evse, r, now, "Local")
            if self.version == "1.6":
                payload["transactionId"] = int(evse.transaction_id or -1)
            await self.call(
                "StopTransaction" if self.version == "1.6" else "TransactionEvent", payload
            )
        elif kind == "heartbeat":
            await self.call("Heartbeat", {})
        else:
            await self.call("StatusNotification", self.msg.status(1, arg["s"], now))


class Stats:
    def __init__(self) -> None:
        self.messages = self.errors = self.seen = 0
        self.samples: list[float] = []

    def record(self, ms: float) -> None:
        self.messages += 1
        self.seen += 1
        if len(self.samples) < SAMPLES_MAX:
            self.samples.append(ms)
        elif (j := random.randrange(self.seen)) < SAMPLES_MAX:
            self.samples[j] = ms


async def _drive(station: Station, stats: Stats, begin: float, end: float, think: float) -> None:
    await asyncio.sleep(random.uniform(0, 0.2))
    while time.monotonic() < end:
        for kind, arg in station.cycle():
            t0 = time.monotonic()
            if t0 >= end:
                return
            try:
                await station.step(kind, arg)
            except (ConnectionClosed, RuntimeError, OSError, KeyError):
                stats.errors += 1
                await asyncio.sleep(0.5)
                continue
            t1 = time.monotonic()
            if begin <= t1 < end:
                stats.record((t1 - t0) * 1000)
            if think:
                await asyncio.sleep(think * random.uniform(0.5, 1.5))


def _reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(obj).decode() + "\n")
    sys.stdout.flush()


async def main(args: argparse.Namespace) -> None:
    stations = [
        Station(args, f"{args.prefix}{i:06d}") for i in range(args.first, args.first + args.count)
    ]
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    _reply({"ready": True})
    while line := await reader.readline():
        cmd = orjson.loads(line)
        if cmd["cmd"] == "boot":
            t0 = time.monotonic()
            deadline = t0 + cmd["deadline"]
            booted = await asyncio.gather(*(s.boot(deadline) for s in stations))
            # The storm's objects would otherwise meet CPython's first full collection (hundreds
            # of ms for thousands of TLS connections) later, in the measured window: a pause of
            # this process that the latencies would charge to the server.
            gc.collect()
            gc.freeze()
            answered = [s.answered_at - t0 for s in stations if s.answered_at is not None]
            _reply(
                {
                    "booted": sum(booted),
                    "failed": len(booted) - sum(booted),
                    "elapsed": time.monotonic() - t0,
                    "answered_s": max(answered, default=0.0),
                    "pending": sum(s.pending for s in stations),
                    "handshake_failures": sum(s.handshake_failures for s in stations),
                    "failure_kinds": dict(FAILURES.most_common(5)),
                }
            )
        elif cmd["cmd"] == "load":
            stats = Stats()
            begin = time.monotonic() + cmd["warmup"]
            end = begin + cmd["seconds"]
            live = [s for s in stations if s.ws is not None]
            async with asyncio.TaskGroup() as tg:
                for s in live:
                    tg.create_task(_drive(s, stats, begin, end, args.think))
            _reply(
                {"messages": stats.messages, "errors": stats.errors, "latency_ms": stats.samples}
            )
        else:
            break
    await asyncio.gather(
        *(s.ws.close() for s in stations if s.ws is not None), return_exceptions=True
    )
    _reply({"bye": True})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--version", default="1.6", choices=["1.6", "2.0.1"])
    parser.add_argument("--password", default="bench-password-0123")
    parser.add_argument("--passwords", help="a CSV of id,password: each station's own")
    parser.add_argument("--prefix", default="BENCH-")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--compression", action="store_true", help="offer permessage-deflate")
    parser.add_argument("--cafile", help="the server's CA: connect over TLS (a wss:// --url)")
    parsed = parser.parse_args()
    if parsed.cafile:  # the server's own fix: not 256 KiB of read buffer per TLS connection
        share_read_buffers()
    if parsed.passwords:
        with open(parsed.passwords, encoding="utf-8", newline="") as file:
            PASSWORDS.update((row["id"], row["password"]) for row in csv.DictReader(file))
    asyncio.run(main(parsed))
