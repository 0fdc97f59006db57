"""Time the per-message work of a 1.6 MeterValues alone, one piece at a time, in one thread.

    .venv/bin/python bench/hot_path.py [--messages 3200]

Prints microseconds per message for parsing, schema check, translation, the RPC core alone (a
frame in, its answer out through the per-station queue and handler task, both schema checks,
with the dispatch stubbed and no socket), and the batch writer's unit of work (store the meter
value, count the energy) with 64 units of work per commit, on a temporary SQLite database.
Under load the same work costs more (the event loop and the writer share the GIL); `load.py`
measures that.
Figures only: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, cast

import orjson

from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.bootstrap import build_migrated
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.sessions.commands import RecordMeterValues, StartSession
from laddnet.ocpp import schemas
from laddnet.ocpp.errors import V16
from laddnet.ocpp.message_socket import MessageSocket
from laddnet.ocpp.rpc import Connection, Session
from laddnet.ocpp.v16 import translate
from laddnet.services.handlers import session_writes
from laddnet.sim import v16
from laddnet.sim.meter import reading
from laddnet.sim.state import EvseState

STATION = StationId("BENCH-1")
T0 = datetime(2026, 11, 26, tzinfo=UTC)
GROUP = 64
MAX_POWER_W = 400_000


def _payloads(count: int, transaction_id: int) -> list[dict[str, Any]]:
    evse = EvseState(1)
    payloads = []
    for n in range(1, count + 1):
        payload = v16.meter(evse, reading(n * 30, 11_000, n * 30, 40), T0 + timedelta(seconds=n))
        payload["transactionId"] = transaction_id
        payloads.append(payload)
    return payloads


def _per_message(label: str, items: list[Any], work: Callable[[Any], object]) -> None:
    """Time `work` over every item, results discarded (as the server drops them), GC paused
    (as `serve` keeps collections rare)."""
    for item in items[:100]:
        work(item)  # warm up
    gc.disable()
    started = time.perf_counter()
    for item in items:
        work(item)
    elapsed = time.perf_counter() - started
    gc.enable()
    print(f"{label:<44}{elapsed / len(items) * 1e6:8.1f} µs")


class _Socket:
    """Stands in for the WebSocket: counts the answers and wakes whoever waits for the last."""

    def __init__(self, expected: int) -> None:
        self.sent = 0
        self.expected = expected
        self.done = asyncio.Event()

    async def send(self, message: str) -> None:
        self.sent += 1
        if self.sent == self.expected:
            self.done.set()

    def pause_reading(self) -> None:
        """Backpressure has no socket to hold back here: every frame is queued."""

    def resume_reading(self) -> None:
        """See `pause_reading`."""


async def _rpc_core(frames: list[bytes]) -> None:
    async def dispatch(session: Session, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {}

    for label, batch in (("warm-up", frames[:100]), ("RPC core, dispatch stubbed", frames)):
        socket = _Socket(len(batch))
        session = Session(station_id=str(STATION), subprotocol=V16, accepted=True)
        connection = Connection(cast(MessageSocket, socket), session, dispatch, call_timeout=5)
        gc.disable()
        started = time.perf_counter()
        for frame in batch:
            connection.take(frame)
        await socket.done.wait()
        elapsed = time.perf_counter() - started
        gc.enable()
        if label != "warm-up":
            print(f"{label:<44}{elapsed / len(batch) * 1e6:8.1f} µs")


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        container = await build_migrated(Settings(database_url=f"sqlite:///{folder}/bench.db"))
        start = StartSession(STATION, 1, 1, "TAG", Decimal(0), T0, "1.6")
        session_id, _ = await container.database.write(
            lambda uow: session_writes.start(uow, start, T0)
        )
        payloads = _payloads(count, session_id)
        frames = [orjson.dumps([2, str(n), "MeterValues", p]) for n, p in enumerate(payloads)]
        values = len(payloads[0]["meterValue"][0]["sampledValue"])
        print(f"1.6 MeterValues with {values} sampled values, {count} messages")
        _per_message("parse the frame (orjson)", frames, orjson.loads)
        _per_message(
            "check the schema (jsonschema-rs)",
            payloads,
            lambda p: schemas.validate(V16, "MeterValues", p),
        )
        _per_message(
            "translate to the domain", payloads, lambda p: translate.meter_values(STATION, p)
        )
        await _rpc_core(frames)
        commands = [translate.meter_values(STATION, p) for p in payloads]

        def store(group: list[RecordMeterValues], uow: SqlUnitOfWork) -> None:
            for command in group:
                session_writes.meter_values(uow, command, T0, MAX_POWER_W)

        async def write_all() -> None:
            for first in range(0, count, GROUP):
                group = commands[first : first + GROUP]
                await container.database.write(partial(store, group))

        started = time.perf_counter()
        await write_all()
        elapsed = time.perf_counter() - started
        label = f"writer: store and count ({GROUP} per commit)"
        print(f"{label:<44}{elapsed / count * 1e6:8.1f} µs")
        session = await container.queries.session(session_id)
        assert session is not None
        print(f"energy counted: {session.energy_wh} Wh over {count} meter values")
        await container.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3200)
    asyncio.run(main(parser.parse_args().messages))
