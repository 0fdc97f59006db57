"""Pricing: the time to price one session with 1,000 meter readings, and CDRs per second when
10,000 finished sessions are closed (priced, stored, posted to the ledger).

    python -m bench.pricing [--sessions 10000] [--readings 30] [--database-url URL]

The tariff is a time-of-day one (day and night energy prices in Europe/Stockholm, a charging-
time fee above 22 kW, parking after a grace period with a cap, a flat fee, step sizes). Each
session charges 20-90 minutes with a reading a minute (power varying 7-22 kW), then parks 0-30
minutes (a SuspendedEV status). Sessions are written straight through the repositories, queued
as a station's stop queues them, then closed by the CDR issuer as `laddnet serve` runs it.
Runs on a temporary SQLite file unless `--database-url` names an empty database. Figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from laddnet.adapters.db.engine import migrate
from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.ids import ConnectorId, EvseId, SiteId, StationId
from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.pricing.usage import ChargingChange, Reading, SessionUsage
from laddnet.domain.pricing.validation import tariff_from_json
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from laddnet.domain.sites.model import SiteDetails
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import ChargingState, ConnectorStatus

WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
TARIFF: dict[str, Any] = {
    "id": "bench",
    "name": "Time of day",
    "currency": "SEK",
    "elements": [
        {"price_components": [{"type": "FLAT", "price": "5", "vat": "25"}]},
        {
            "price_components": [{"type": "ENERGY", "price": "3.20", "vat": "25", "step_size": 10}],
            "restrictions": {"start_time": "06:00", "end_time": "22:00", "day_of_week": WEEKDAYS},
        },
        {"price_components": [{"type": "ENERGY", "price": "2.10", "vat": "25", "step_size": 10}]},
        {"price_components": [{"type": "TIME", "price": "12", "vat": "25", "step_size": 60}],
         "restrictions": {"min_power": "22"}},
        {"price_components": [{"type": "PARKING_TIME", "price": "60", "vat": "25",
                               "step_size": 60}]},
    ],
    "parking_grace_seconds": 600,
    "parking_cap": "200",
}  # fmt: skip
T0 = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
STATIONS = 100


def _session_shape(rng: random.Random, readings: int) -> tuple[datetime, list[int], int]:
    """Start, the register each minute (Wh), and the minutes parked afterwards."""
    start = T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 6))
    wh, register = 0, [0]
    for _ in range(readings):
        wh += rng.randint(7_000, 23_000) // 60
        register.append(wh)
    return start, register, rng.randint(0, 30)


def time_one_session(readings: int, repeat: int) -> float:
    """Median milliseconds to price one session with `readings` readings."""
    tariff = tariff_from_json(TARIFF)
    rng = random.Random(7)
    start, register, parked = _session_shape(rng, readings)
    charged = start + timedelta(minutes=readings)
    usage = SessionUsage(
        start,
        charged + timedelta(minutes=parked),
        tuple(Reading(start + timedelta(minutes=n), Decimal(w)) for n, w in enumerate(register)),
        (ChargingChange(charged, False),) if parked else (),
    )
    zone = ZoneInfo("Europe/Stockholm")
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        price(tariff, usage, zone)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _write_batch(uow: Any, rng: random.Random, first: int, count: int, readings: int) -> None:
    now = datetime.now(UTC)
    for n in range(first, first + count):
        station = f"B-{n % STATIONS:04d}"
        evse = n // STATIONS % 2 + 1
        start, register, parked = _session_shape(rng, rng.randint(readings // 2, readings * 3 // 2))
        charged = start + timedelta(minutes=len(register) - 1)
        stop = charged + timedelta(minutes=parked)
        session_id = uow.sessions.create(
            station_id=station, start_key=f"bench-{n}", ocpp_version="1.6", evse_id=evse,
            connector_id=1, id_token="BENCH", status="Completed", started_at=start,
            stopped_at=stop, meter_start_wh=Decimal(0), meter_stop_wh=Decimal(register[-1]),
            energy_wh=Decimal(register[-1]), review_required=False, anomalies="",
            created_at=now, updated_at=now,
        )  # fmt: skip
        uow.tariffs.pin(session_id, station, evse)
        samples = [
            MeterSample(start + timedelta(minutes=m), ENERGY_REGISTER, Decimal(w), "Wh")
            for m, w in enumerate(register)
        ]
        uow.sessions.add_samples(station, evse, session_id, samples, now)
        if parked:
            uow.status_history.add(
                StatusChange(StationId(station), EvseId(evse), ConnectorId(1),
                             ConnectorStatus.OCCUPIED, ChargingState.SUSPENDED_EV, None, None,
                             None, None, charged, now)
            )  # fmt: skip
        uow.cdrs.enqueue(session_id, now)


async def close_sessions(database_url: str, sessions: int, readings: int) -> dict[str, float]:
    container = build(Settings(database_url=database_url))
    try:
        await migrate(container.engine)
        details = SiteDetails("Bench site", "Europe/Stockholm")
        await container.sites.create_site("bench", details, "bench")
        for n in range(STATIONS):
            await container.station_admin.register_station(
                StationId(f"B-{n:04d}"), "bench-station-password", actor="bench",
                site_id=SiteId("bench"),
            )  # fmt: skip
        await container.tariffs.create_tariff(dict(TARIFF), "bench")
        await container.tariffs.assign(TargetKind.SITE, "bench", 0, TariffId("bench"), "bench")
        rng = random.Random(1)
        t = time.perf_counter()
        for first in range(0, sessions, 200):
            count = min(200, sessions - first)

            def batch(uow: Any, f: int = first, c: int = count) -> None:
                _write_batch(uow, rng, f, c, readings)

            await container.database.write(batch)
        written = time.perf_counter() - t
        t = time.perf_counter()
        issued = await container.cdrs.issue_pending()
        closing = time.perf_counter() - t
        check = await container.ledger.check()
        assert issued == sessions and check["ok"], (issued, check)
        return {"written_s": written, "closing_s": closing, "cdrs_per_s": issued / closing}
    finally:
        await container.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--readings", type=int, default=30, help="per session, about")
    parser.add_argument("--database-url", help="an empty database (default: temporary SQLite)")
    args = parser.parse_args()
    one = time_one_session(1_000, repeat=20)
    print(f"price one session, 1,000 readings: {one:.1f} ms (median of 20)")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        result = asyncio.run(close_sessions(url, args.sessions, args.readings))
    print(
        f"close {args.sessions:,} sessions (~{args.readings} readings each): "
        f"{result['closing_s']:.1f} s, {result['cdrs_per_s']:.0f} CDRs/s "
        f"(priced, stored, posted; ledger check OK); writing them took {result['written_s']:.1f} s"
    )


if __name__ == "__main__":
    main()
