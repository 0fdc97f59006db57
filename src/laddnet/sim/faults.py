"""Faults injected into a simulated station, and a week of its life played against a real
server in simulated time: sessions (with meter values) at the station's own timestamps spread
over the days, reboots as real reconnects and BootNotifications. What the server stores is a
recorded history the health score can be judged on (bench/health.py, tests).

The faults are the issue's: a connector that fails one session in three (it starts, delivers
nothing, stops), a station that reboots every hour, and a charger that delivers half the power
it offers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from laddnet.sim.station import SimStation

OFFERED_W = 11_000  # a three-phase 16 A AC charger
SESSION = timedelta(minutes=45)
SAMPLES = 3


@dataclass(frozen=True, slots=True)
class InjectedFaults:
    failing_evse: int | None = None  # this EVSE's every `fail_every`-th session delivers nothing
    fail_every: int = 3
    power_share: float = 1.0  # the share of the offered power the charger delivers
    reboot_every: timedelta | None = None

    @property
    def healthy(self) -> bool:
        return self == InjectedFaults()

    def describe(self) -> str:
        parts = []
        if self.failing_evse is not None:
            parts.append(f"EVSE {self.failing_evse} fails 1 session in {self.fail_every}")
        if self.power_share < 1:
            parts.append(f"delivers {round(100 * self.power_share)} % of its power")
        if self.reboot_every is not None:
            parts.append(f"reboots every {self.reboot_every}")
        return ", ".join(parts) or "healthy"


@dataclass
class Played:
    """What was played: sessions per EVSE, those that delivered nothing, reboots."""

    sessions: dict[int, int] = field(default_factory=dict)
    empty: dict[int, int] = field(default_factory=dict)
    reboots: int = 0


async def play(
    station: SimStation,
    faults: InjectedFaults,
    *,
    start: datetime,
    days: int = 7,
    sessions_per_day: int = 4,
    id_tag: str = "SIM-TAG",
    rng: random.Random | None = None,
) -> Played:
    """Play `days` from `start` on a connected, booted station. Sessions alternate between
    its EVSEs; a healthy car draws 85-100 % of what is offered, now and then a slow one 30 %."""
    rng = rng or random.Random(0)
    played = Played()
    step = timedelta(days=1) / sessions_per_day
    evses = sorted(station.evses)
    meter_wh = dict.fromkeys(evses, 1000)
    for n in range(days * sessions_per_day):
        t = start + n * step + timedelta(minutes=rng.randint(0, 30))
        evse = evses[n % len(evses)]
        count = played.sessions.get(evse, 0) + 1
        played.sessions[evse] = count
        fails = evse == faults.failing_evse and count % faults.fail_every == 0
        await station.start_session(evse, id_tag, meter_start_wh=meter_wh[evse], timestamp=t)
        if fails:
            played.empty[evse] = played.empty.get(evse, 0) + 1
        else:
            share = 0.3 if rng.random() < 0.1 else rng.uniform(0.85, 1.0)
            power = int(OFFERED_W * min(share, faults.power_share))
            for k in range(1, SAMPLES + 1):
                at = t + SESSION * k / (SAMPLES + 1)
                meter_wh[evse] += power * 15 // 60  # 15 minutes' worth of energy
                await station.meter(evse, meter_wh[evse], power, at, offered_w=OFFERED_W)
        await station.stop_session(evse, meter_wh[evse], timestamp=t + SESSION)
    if faults.reboot_every is not None:
        reboots = int(timedelta(days=days) / faults.reboot_every)
        for _ in range(reboots):
            await station.reconnect()
            await station.boot()
        played.reboots = reboots
    return played
