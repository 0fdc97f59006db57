"""What the maintenance monitor costs with many stations: one timer round and one burst of
service-status work.

    python -m bench.maintenance --stations 10000 [--database-url postgresql://...]

Seeds a temporary SQLite database (or an empty, migrated `--database-url` one) with N stations
of two connectors each, their stored service statuses, 1 % of them offline for an hour and 1 %
with a faulted connector, then times (each the median of `--rounds`):

- `tick, first`: the first timer round, which opens the alerts (2 % of the stations) and a
  ticket for each cause, and the longest unit of work it gave the writer (which the stations'
  messages share);
- `tick, steady`: a round that finds the same conditions and changes nothing (the usual case);
- `burst, 500 stations`: recomputing the service statuses of 500 stations named by events.

Everything runs in this process; figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from laddnet.adapters.db.tables import connectors, stations
from laddnet.adapters.db.tables.maintenance import service_statuses
from laddnet.bootstrap import build, build_migrated
from laddnet.config import Settings
from laddnet.services.maintenance.evaluation import plan_service_statuses


def _seed(engine: object, n: int, now: datetime) -> None:
    station_rows, connector_rows, status_rows = [], [], []
    for i in range(n):
        sid = f"B-{i:05d}"
        offline, faulted = i % 100 == 0, i % 100 == 1
        seen = now - timedelta(hours=1) if offline else now - timedelta(seconds=30)
        station_rows.append(
            {
                "id": sid,
                "password_hash": "x",
                "ocpp_version": "1.6",
                "registration_status": "Accepted",
                "connected": not offline,
                "last_seen_at": seen,
                "last_boot_at": now - timedelta(days=1),
                "created_at": now - timedelta(days=30),
            }
        )
        for evse in (1, 2):
            status = "Faulted" if faulted and evse == 1 else "Available"
            connector_rows.append(
                {
                    "station_id": sid,
                    "evse_id": evse,
                    "connector_id": 1,
                    "status": status,
                    "error_code": "OtherError" if status == "Faulted" else None,
                    "reported_at": now - timedelta(hours=1),
                    "received_at": now - timedelta(hours=1),
                }
            )
        service = "offline" if offline else "available"
        for key, status in (((0, 0), service), ((1, 1), service), ((2, 1), service)):
            if faulted and key == (1, 1):
                status = "needs_maintenance"
            status_rows.append(
                {
                    "station_id": sid,
                    "evse_id": key[0],
                    "connector_id": key[1],
                    "status": status,
                    "reason": "seeded",
                    "since": now - timedelta(hours=1),
                }
            )
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(insert(stations), station_rows)
        conn.execute(insert(connectors), connector_rows)
        conn.execute(insert(service_statuses), status_rows)


async def _timed(work: object, rounds: int) -> float:
    spent = []
    for _ in range(rounds):
        start = time.perf_counter()
        await work()  # type: ignore[operator]
        spent.append(time.perf_counter() - start)
    return statistics.median(spent) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url)
        container = await build_migrated(settings) if args.database_url is None else build(settings)
        try:
            now = container.clock.now()
            _seed(container.engine, args.stations, now)
            monitor = container.maintenance.monitor
            writes: list[float] = []
            write = container.database.write

            async def timed_write(work: Any) -> Any:
                start = time.perf_counter()
                try:
                    return await write(work)
                finally:
                    writes.append(time.perf_counter() - start)

            container.database.write = timed_write  # type: ignore[method-assign]
            first = await _timed(monitor.tick, 1)
            longest = max(writes, default=0.0) * 1000
            steady = await _timed(monitor.tick, args.rounds)
            ids = [f"B-{i:05d}" for i in range(0, args.stations, max(1, args.stations // 500))]
            ids = ids[:500]

            async def burst() -> None:
                await container.database.read(
                    lambda uow: plan_service_statuses(uow, station_ids=ids)
                )

            planned = await _timed(burst, args.rounds)
            _, total = await container.maintenance.alerts(status="open", limit=1)
        finally:
            await container.aclose()
    backend = url.split(":", 1)[0]
    print(f"{args.stations} stations on {backend}; {total} alerts open after the first round")
    print(f"tick, first (opens them):      {first:8.1f} ms, longest write {longest:.1f} ms")
    print(f"tick, steady (median):         {steady:8.1f} ms")
    print(f"burst, {len(ids)} stations (median):  {planned:8.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
