"""Run many simulated stations: boot, report status, charge, heartbeat, until told to stop."""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from websockets.exceptions import ConnectionClosed, InvalidHandshake

from laddnet.sim.frames import CallErrorReceived
from laddnet.sim.station import SimStation

T = TypeVar("T")
_ERRORS = (OSError, TimeoutError, InvalidHandshake, ConnectionClosed, CallErrorReceived)
_POWERS_W = (7_400, 11_000, 22_000)


@dataclass(slots=True)
class SimulationReport:
    connected: int = 0
    boots_accepted: int = 0
    sessions_started: int = 0
    sessions_stopped: int = 0
    messages_sent: int = 0
    errors: int = 0


@dataclass(frozen=True, slots=True)
class _Plan:
    meter_interval: float
    sessions: bool
    id_tags: Sequence[str]


async def simulate(
    base_url: str,
    station_ids: Sequence[str],
    password: str | Callable[[str], str],
    version: str,
    *,
    duration: float | None = None,
    meter_interval: float = 10.0,
    sessions: bool = True,
    id_tags: Sequence[str] = ("DEMO-TAG-1",),
    stop_event: asyncio.Event | None = None,
    evse_count: int = 2,
    ssl_context: ssl.SSLContext | None = None,
) -> SimulationReport:
    """Simulate `station_ids` until `duration` seconds pass or `stop_event` is set.

    Running sessions are stopped cleanly at the end, so the CSMS sees them complete.
    """
    report = SimulationReport()
    stop = stop_event if stop_event is not None else asyncio.Event()
    plan = _Plan(meter_interval, sessions, tuple(id_tags) or ("DEMO-TAG-1",))
    async with asyncio.TaskGroup() as tg:
        if duration is not None:
            tg.create_task(_stop_after(stop, duration))
        for station_id in station_ids:
            secret = password(station_id) if callable(password) else password
            station = SimStation(
                base_url,
                station_id,
                secret,
                version,
                evse_count,
                auto_reconnect=True,
                ssl_context=ssl_context,
            )
            tg.create_task(_run_station(station, plan, report, stop))
    return report


async def _stop_after(stop: asyncio.Event, duration: float) -> None:
    await _sleep(stop, duration)
    stop.set()


async def _sleep(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`; True as soon as `stop` is set."""
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return stop.is_set()
    return True


async def _try(report: SimulationReport, step: Awaitable[T]) -> T | None:
    try:
        return await step
    except _ERRORS:
        report.errors += 1
        return None


async def _ok(report: SimulationReport, step: Awaitable[Any]) -> bool:
    try:
        await step
    except _ERRORS:
        report.errors += 1
        return False
    return True


async def _run_station(
    station: SimStation, plan: _Plan, report: SimulationReport, stop: asyncio.Event
) -> None:
    try:
        if not await _boot(station, report, stop):
            return
        await _ok(report, station.station_status("Available"))
        for evse_id in station.evses:
            await _ok(report, station.status(evse_id, "Available"))
        async with asyncio.TaskGroup() as tg:
            tg.create_task(_heartbeats(station, report, stop))
            if plan.sessions:
                for evse_id in station.evses:
                    tg.create_task(_charge(station, evse_id, plan, report, stop))
    finally:
        report.messages_sent += station.messages_sent
        await station.close()


async def _boot(station: SimStation, report: SimulationReport, stop: asyncio.Event) -> bool:
    """Connect and boot; retry after the CSMS's interval (with jitter) while it says Pending."""
    backoff = 1.0
    ever_connected = False
    while not stop.is_set():
        if not station.connected:
            if not await _ok(report, station.connect()):
                await _sleep(stop, backoff * random.uniform(0.5, 1.0))
                backoff = min(backoff * 2, 60.0)
                continue
            if not ever_connected:
                ever_connected = True
                report.connected += 1
        result: dict[str, Any] | None = await _try(report, station.boot())
        if result is not None and result.get("status") == "Accepted":
            report.boots_accepted += 1
            return True
        interval = int(result.get("interval", 0)) if result is not None else 0
        wait = max(interval, 1) + random.uniform(0, max(interval, 1) * 0.2)
        await _sleep(stop, wait)
    return False


async def _heartbeats(station: SimStation, report: SimulationReport, stop: asyncio.Event) -> None:
    while not await _sleep(stop, station.heartbeat_interval or 300):
        if station.connected:
            await _try(report, station.heartbeat())


async def _charge(
    station: SimStation, evse_id: int, plan: _Plan, report: SimulationReport, stop: asyncio.Event
) -> None:
    """Idle, then one charging session after another until `stop`. The CSMS may start, stop
    or reset meanwhile: an EVSE that is busy or unavailable is left alone, and a session the
    station ended on a command is not stopped again."""
    register_wh = random.randint(0, 2_000_000)
    while not await _sleep(stop, plan.meter_interval * random.uniform(1, 6)):
        tag = random.choice(plan.id_tags)
        auth = await _try(report, station.authorize(tag))
        info = (auth or {}).get("idTagInfo") or (auth or {}).get("idTokenInfo") or {}
        evse = station.evses[evse_id]
        if info.get("status") != "Accepted" or not evse.free or not station.connected:
            continue
        await _ok(report, station.status(evse_id, "Preparing"))
        register_wh = max(register_wh, evse.last_energy_wh)
        if evse.tx_ref is not None:
            continue  # a remote start got here first
        if await _ok(report, station.start_session(evse_id, tag, register_wh)):
            report.sessions_started += 1
        elif evse.tx_ref is None:
            continue  # else the start was given up on: the session goes on as transaction -1
        ref = evse.tx_ref
        await _ok(report, station.status(evse_id, "Charging"))
        register_wh = await _deliver(station, evse_id, register_wh, plan, report, stop)
        if evse.tx_ref != ref:
            continue  # ended by the station on a command (remote stop, reset, unlock)
        accepted = evse.id_tag_status in (None, "Accepted")
        reason = "Local" if accepted else "DeAuthorized"
        if await _ok(report, station.stop_session(evse_id, register_wh, reason)):
            report.sessions_stopped += 1  # answered, or queued for delivery after a reconnect
        if station.version == "1.6":
            await _ok(report, station.status(evse_id, "Finishing"))
        await _ok(report, station.status(evse_id, "Available"))


async def _deliver(
    station: SimStation,
    evse_id: int,
    register_wh: int,
    plan: _Plan,
    report: SimulationReport,
    stop: asyncio.Event,
) -> int:
    """Charge at a steady AC power, metering every `meter_interval`; returns the register."""
    if station.evses[evse_id].id_tag_status not in (None, "Accepted"):
        return register_wh
    ref = station.evses[evse_id].tx_ref
    nominal = random.choice(_POWERS_W)
    milli_wh = register_wh * 1000
    last = time.monotonic()
    for _ in range(random.randint(6, 60)):
        stopped = await _sleep(stop, plan.meter_interval)
        now = time.monotonic()
        power_w = nominal * random.randint(90, 100) // 100
        milli_wh += power_w * int((now - last) * 1000) // 3600  # W * ms / 3600 = mWh
        last = now
        if stopped or station.evses[evse_id].tx_ref != ref:
            break
        await _try(report, station.meter(evse_id, milli_wh // 1000, power_w))
    return milli_wh // 1000
