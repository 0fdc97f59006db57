"""A station's health score (0-100) with its reasons in words, from signals Laddnet already
has: failed or zero-energy sessions, fault reports, reboots, lost connections and how long ago
a session last delivered energy. It points at stations that will need a technician before
drivers find them broken. Pure: signals in, score out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class HealthSignals:
    """What happened at a station over the window (`WINDOW`, 7 days)."""

    sessions: int = 0  # ended in the window
    empty_sessions: int = 0  # of those, delivering no energy
    fault_reports: int = 0  # Faulted or error-code status reports
    boots: int = 0
    disconnects: int = 0
    last_energy_at: datetime | None = None  # when a session last delivered energy


@dataclass(frozen=True, slots=True)
class Health:
    score: int  # 0 (broken) to 100 (healthy)
    reasons: tuple[str, ...]  # what cost it points, worst first


def score(s: HealthSignals, now: datetime) -> Health:
    days = WINDOW.days
    penalties: list[tuple[int, str]] = []
    if s.sessions >= 3 and s.empty_sessions:
        share = s.empty_sessions / s.sessions
        penalties.append(
            (round(60 * share), f"{s.empty_sessions} of {s.sessions} sessions delivered no energy")
        )
    if s.fault_reports:
        penalties.append(
            (min(30, 8 * s.fault_reports), f"{s.fault_reports} fault reports in {days} days")
        )
    if s.boots > days:
        penalties.append((min(25, 2 * (s.boots - days)), f"{s.boots} reboots in {days} days"))
    if s.disconnects > 2 * days:
        penalties.append(
            (
                min(20, s.disconnects - 2 * days),
                f"connection lost {s.disconnects} times in {days} days",
            )
        )
    if s.sessions and (s.last_energy_at is None or now - s.last_energy_at > timedelta(days=3)):
        penalties.append((15, "no session delivered energy in 3 days, though drivers tried"))
    penalties.sort(key=lambda p: -p[0])
    total = sum(p for p, _ in penalties)
    return Health(max(0, 100 - total), tuple(reason for _, reason in penalties))
