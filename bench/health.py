"""How well the health score finds injected faults in RECORDED histories, and how many healthy
stations it flags.

    python -m bench.health [--per-kind 10] [--days 7] [--sessions-per-day 4] [--seed 1]

Starts a real Laddnet (gateway, event relay, maintenance monitor) on a temporary SQLite
database and connects simulator stations over WebSockets, half OCPP 1.6 and half 2.0.1, two
EVSEs each. Each plays `--days` in simulated time (sim/faults.py): sessions with meter values
at the station's own timestamps, reboots as real reconnects and BootNotifications. Four kinds
in equal numbers: healthy, a connector that fails one session in three, a station that reboots
every hour, and a charger that delivers half the power it offers (a healthy car draws 85-100 %
of what is offered, one in ten only 30 %). Then it asks the API's scoring
(`MaintenanceService.health`) for every station, and prints per kind how many the score flags
below several thresholds (the default `health_min_score` is 85): detected faults, and false
positives among the healthy. Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from laddnet.adapters.db.tables import stations
from laddnet.bootstrap import Container, build_migrated
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.alerts import DEFAULT_RULES
from laddnet.domain.maintenance.health import StationHealth
from laddnet.ocpp.server import Gateway
from laddnet.sim.faults import InjectedFaults, play
from laddnet.sim.station import SimStation

PASSWORD = "bench-password-0001"
KINDS: dict[str, InjectedFaults] = {
    "healthy": InjectedFaults(),
    "fails 1 session in 3": InjectedFaults(failing_evse=1, fail_every=3),
    "reboots every hour": InjectedFaults(reboot_every=timedelta(hours=1)),
    "delivers half its power": InjectedFaults(power_share=0.5),
}


async def _record(
    container: Container, url: str, args: argparse.Namespace
) -> dict[str, tuple[str, int]]:
    """Play every station; station id -> (kind, reboots played)."""
    plan = {f"H-{k}-{i:03d}": name for k, name in enumerate(KINDS) for i in range(args.per_kind)}
    await container.stations.add_stations([(StationId(s), PASSWORD) for s in plan])
    with container.engine.begin() as conn:  # sessions are a week old: registered before
        conn.execute(
            update(stations)
            .where(stations.c.id.in_(list(plan)))
            .values(created_at=datetime(2024, 1, 1, tzinfo=UTC))
        )
    await container.authorization.add_token("SIM-TAG")
    gate = asyncio.Semaphore(args.concurrency)
    played: dict[str, tuple[str, int]] = {}

    async def one(n: int, sid: str, kind: str) -> None:
        async with gate:
            version = "1.6" if n % 2 == 0 else "2.0.1"
            station = SimStation(url, sid, PASSWORD, version)
            await station.connect()
            await station.boot()
            start = station.now() - timedelta(days=args.days)
            rng = random.Random(f"{args.seed}-{sid}")
            result = await play(
                station,
                KINDS[kind],
                start=start,
                days=args.days,
                sessions_per_day=args.sessions_per_day,
                rng=rng,
            )
            await station.close()
            played[sid] = (kind, result.reboots)

    await asyncio.gather(*(one(n, sid, kind) for n, (sid, kind) in enumerate(plan.items())))
    return played


async def _scores(
    container: Container, played: dict[str, tuple[str, int]]
) -> dict[str, StationHealth]:
    """Every station's health, once the monitor has noted every boot."""
    deadline = time.monotonic() + 60
    while True:
        found = {sid: await container.maintenance.health(StationId(sid)) for sid in played}
        rebooters = [sid for sid, (_, reboots) in played.items() if reboots]
        noted = all(
            any(r.endswith(f"{played[s][1] + 1} reboots in 7 days") for r in found[s].own.reasons)
            for s in rebooters
        )
        if noted or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'health.db'}"
        container = await build_migrated(
            Settings(database_url=url, alert_interval=3600, connection_rate_limit=0)
        )
        gateway = Gateway(container)
        try:
            await gateway.start(host="127.0.0.1", port=0)
            await container.events.start()
            await container.maintenance.start()
            began = time.perf_counter()
            played = await _record(container, f"ws://127.0.0.1:{gateway.port}/ocpp", args)
            recorded_s = time.perf_counter() - began
            found = await _scores(container, played)
        finally:
            await gateway.stop()
            await container.aclose()
    thresholds = sorted({50, 80, DEFAULT_RULES.health_min_score, 90})
    print(
        f"recorded {len(played)} stations x {args.days} simulated days "
        f"({args.sessions_per_day} sessions a day) in {recorded_s:.0f} s"
    )
    header = "".join(f"{'< ' + str(t):>7}" for t in thresholds)
    print(f"{'kind':<26} {'stations':>8}{header} {'median':>7}  most common first reason")
    for kind in KINDS:
        mine = [found[s] for s, (k, _) in played.items() if k == kind]
        scores = sorted(h.score for h in mine)
        flagged = "".join(f"{sum(s < t for s in scores):>7}" for t in thresholds)
        reasons = Counter(h.reasons[0] if h.reasons else "-" for h in mine)
        top = reasons.most_common(1)[0][0]
        print(f"{kind:<26} {len(mine):>8}{flagged} {statistics.median(scores):>7.0f}  {top[:60]}")
    limit = DEFAULT_RULES.health_min_score
    faulty = [h for s, (k, _) in played.items() if k != "healthy" for h in [found[s]]]
    healthy = [h for s, (k, _) in played.items() if k == "healthy" for h in [found[s]]]
    print(
        f"at health_min_score {limit}: {sum(h.score < limit for h in faulty)} of {len(faulty)} "
        f"injected faults found, {sum(h.score < limit for h in healthy)} of {len(healthy)} "
        "healthy stations flagged"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=10, help="stations of each kind")
    parser.add_argument("--days", type=int, default=7, help="simulated days (at most 7)")
    parser.add_argument("--sessions-per-day", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8, help="stations playing at once")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
