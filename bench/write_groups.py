"""The batch writer's cost per group and per meter value, with many sessions open.

    .venv/bin/python bench/write_groups.py [--stations 10000] [--prefill 10] [--values 3000]

Opens a 1.6 session on each station and stores `--prefill` meter values for each, so that the
indexes are about as large as after a few minutes of the busy hour. Then it times, on a
temporary SQLite file:
- empty groups: what every group costs whatever it holds (its unit of work, BEGIN IMMEDIATE,
  COMMIT, waking the waiter on the event loop);
- meter values of random stations in groups of 1, 3, 10 and 64. At the busy hour of 10,000
  stations the writer's groups hold about three (docs/performance.md).
Prints wall time and the writer thread's own CPU time per group or per meter value. Figures
only: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.bootstrap import build_migrated
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.sessions.commands import RecordMeterValues, StartSession
from laddnet.ocpp.v16 import translate
from laddnet.services.handlers import session_writes
from laddnet.sim import v16
from laddnet.sim.meter import reading
from laddnet.sim.state import EvseState

T0 = datetime(2026, 11, 26, tzinfo=UTC)
MAX_POWER_W = 400_000
GROUPS = (1, 3, 10, 64)


def _station(n: int) -> StationId:
    return StationId(f"BENCH-{n:06d}")


def _meter_value(station: int, session_id: int, seq: int) -> RecordMeterValues:
    payload = v16.meter(
        EvseState(1), reading(seq * 30, 11_000, seq * 30, 40), T0 + timedelta(seconds=seq * 12)
    )
    payload["transactionId"] = session_id
    return translate.meter_values(_station(station), payload)


def _store(values: list[RecordMeterValues], uow: SqlUnitOfWork) -> None:
    for value in values:
        session_writes.meter_values(uow, value, T0, MAX_POWER_W)


def _start(first: int, last: int, uow: SqlUnitOfWork) -> list[int]:
    ids = []
    for n in range(first, last):
        start = StartSession(_station(n), 1, 1, "TAG", Decimal(0), T0, "1.6")
        ids.append(session_writes.start(uow, start, T0)[0])
    return ids


def _writer_clock() -> int:
    writer = next(t for t in threading.enumerate() if t.name == "laddnet-db-writer")
    assert writer.ident is not None
    return time.pthread_getcpuclockid(writer.ident)


async def _timed(
    database: SqlDatabase, works: Sequence[Callable[[SqlUnitOfWork], Any]]
) -> tuple[float, float]:
    """Seconds of wall time and of the writer's CPU for writing `works` one after another."""
    clock = _writer_clock()
    cpu, wall = time.clock_gettime(clock), time.perf_counter()
    for work in works:
        await database.write(work)
    return time.perf_counter() - wall, time.clock_gettime(clock) - cpu


def _report(label: str, wall: float, cpu: float, count: int, unit: str) -> None:
    per = 1e6 / count
    print(f"{label:<30}wall {wall * per:6.0f} µs   writer CPU {cpu * per:6.0f} µs   {unit}")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        container = await build_migrated(Settings(database_url=f"sqlite:///{folder}/bench.db"))
        database = container.database
        stations = args.stations
        session_ids: list[int] = []
        for first in range(0, stations, 500):
            last = min(stations, first + 500)
            session_ids += await database.write(partial(_start, first, last))
        seq = [1] * stations
        for _ in range(args.prefill):
            values = [_meter_value(n, session_ids[n], seq[n]) for n in range(stations)]
            seq = [s + 1 for s in seq]
            for first in range(0, stations, 500):
                await database.write(partial(_store, values[first : first + 500]))
        print(f"{stations} open sessions, {stations * args.prefill} meter values stored before")

        count = args.values
        wall, cpu = await _timed(database, [lambda uow: None] * count)
        _report("empty group", wall, cpu, count, "per group")
        for size in GROUPS:
            values = []
            for _ in range(count):
                n = random.randrange(stations)
                values.append(_meter_value(n, session_ids[n], seq[n]))
                seq[n] += 1
            works = [partial(_store, values[i : i + size]) for i in range(0, count, size)]
            wall, cpu = await _timed(database, works)
            _report(f"meter values, {size} a group", wall, cpu, count, "per meter value")
        await container.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--prefill", type=int, default=10, help="meter values per station before")
    parser.add_argument(
        "--values", type=int, default=3000, help="meter values timed per group size"
    )
    asyncio.run(main(parser.parse_args()))
