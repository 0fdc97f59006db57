"""A station's and each of its connectors' health score (0-100) with their reasons in words,
from signals Laddnet already has: failed or zero-energy sessions, fault reports, reboots, lost
connections, heartbeat gaps, the power delivered against the power the connector offered, how
long ago a session last delivered energy, and how old the firmware is. It points at stations
and connectors that will need a technician before drivers find them broken. Pure: signals in,
scores out.

A station's score is the lower of its own (every signal, over all its sessions) and its worst
connector's (the session, fault and power signals of that connector alone): a connector
failing one session in three on a station with four is not averaged away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

WINDOW = timedelta(days=7)
POWER_SHARE_EXPECTED = 0.8  # below this median share of the offered power, points are lost
MIN_POWER_SESSIONS = 3
FIRMWARE_OLD = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class HealthSignals:
    """What happened at a station over the window (`WINDOW`, 7 days)."""

    sessions: int = 0  # ended in the window
    empty_sessions: int = 0  # of those, delivering no energy
    fault_reports: int = 0  # Faulted or error-code status reports
    boots: int = 0
    disconnects: int = 0
    last_energy_at: datetime | None = None  # when a session last delivered energy
    heartbeat_gaps: int = 0  # times the station went silent while connected (alerted)
    # Per session with power readings: its peak delivered power over the power offered.
    power_shares: tuple[float, ...] = ()
    firmware: str | None = None  # the firmware version it runs
    firmware_since: datetime | None = None  # when Laddnet first saw it run that version


@dataclass(frozen=True, slots=True)
class ConnectorSignals:
    """What happened at one connector over the window (sessions count on their EVSE and
    connector; a 1.6 station's connector is EVSE n, connector 1)."""

    evse_id: int
    connector_id: int
    sessions: int = 0
    empty_sessions: int = 0
    fault_reports: int = 0
    power_shares: tuple[float, ...] = ()
    last_energy_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Health:
    score: int  # 0 (broken) to 100 (healthy)
    reasons: tuple[str, ...]  # what cost it points, worst first


@dataclass(frozen=True, slots=True)
class ConnectorHealth:
    evse_id: int
    connector_id: int
    health: Health


@dataclass(frozen=True, slots=True)
class StationHealth:
    """The station's score (the lower of its own and its worst connector's) and each
    connector's."""

    health: Health
    own: Health
    connectors: tuple[ConnectorHealth, ...] = field(default_factory=tuple)

    @property
    def score(self) -> int:
        return self.health.score

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.health.reasons


Penalty = tuple[int, str]


def _sessions(sessions: int, empty: int) -> list[Penalty]:
    if sessions >= 3 and empty:
        return [
            (round(60 * empty / sessions), f"{empty} of {sessions} sessions delivered no energy")
        ]
    return []


def _faults(reports: int, days: int) -> list[Penalty]:
    if reports:
        return [(min(30, 8 * reports), f"{reports} fault reports in {days} days")]
    return []


def _power(shares: tuple[float, ...]) -> list[Penalty]:
    """A charger that delivers much less than it offers, session after session (one car
    charging slowly is not a fault: the median of the sessions counts)."""
    if len(shares) < MIN_POWER_SESSIONS:
        return []
    share = median(shares)
    if share >= POWER_SHARE_EXPECTED:
        return []
    points = round(60 * (POWER_SHARE_EXPECTED - share) / POWER_SHARE_EXPECTED)
    return [
        (
            points,
            f"delivered {round(100 * share)} % of the power it offered "
            f"(median of {len(shares)} sessions)",
        )
    ]


def _last_energy(sessions: int, last: datetime | None, now: datetime) -> list[Penalty]:
    if sessions and (last is None or now - last > timedelta(days=3)):
        return [(15, "no session delivered energy in 3 days, though drivers tried")]
    return []


def _health(penalties: list[Penalty]) -> Health:
    penalties.sort(key=lambda p: -p[0])
    total = sum(p for p, _ in penalties)
    return Health(max(0, 100 - total), tuple(reason for _, reason in penalties))


def score(s: HealthSignals, now: datetime) -> Health:
    """The station's own score, from every signal over all its sessions."""
    days = WINDOW.days
    penalties = [
        *_sessions(s.sessions, s.empty_sessions),
        *_faults(s.fault_reports, days),
        *_power(s.power_shares),
    ]
    if s.boots > days:
        penalties.append((min(25, 2 * (s.boots - days)), f"{s.boots} reboots in {days} days"))
    if s.disconnects > 2 * days:
        penalties.append(
            (
                min(20, s.disconnects - 2 * days),
                f"connection lost {s.disconnects} times in {days} days",
            )
        )
    if s.heartbeat_gaps:
        penalties.append(
            (min(20, 5 * s.heartbeat_gaps), f"went silent {s.heartbeat_gaps} times in {days} days")
        )
    penalties.extend(_last_energy(s.sessions, s.last_energy_at, now))
    if s.firmware_since is not None and now - s.firmware_since >= FIRMWARE_OLD:
        age = (now - s.firmware_since).days
        name = f"firmware {s.firmware}" if s.firmware else "firmware"
        penalties.append((10, f"{name} not updated in {age} days"))
    return _health(penalties)


def score_connector(c: ConnectorSignals, now: datetime) -> Health:
    """One connector's score, from its own sessions, fault reports and power."""
    days = WINDOW.days
    return _health(
        [
            *_sessions(c.sessions, c.empty_sessions),
            *_faults(c.fault_reports, days),
            *_power(c.power_shares),
            *_last_energy(c.sessions, c.last_energy_at, now),
        ]
    )


def station_health(
    s: HealthSignals, connectors: tuple[ConnectorSignals, ...], now: datetime
) -> StationHealth:
    """The station's and its connectors' scores. The station takes its worst connector's
    score when that is lower than its own, with that connector's reasons added."""
    own = score(s, now)
    scored = tuple(
        ConnectorHealth(c.evse_id, c.connector_id, score_connector(c, now))
        for c in sorted(connectors, key=lambda c: (c.evse_id, c.connector_id))
    )
    worst = min(scored, key=lambda c: c.health.score, default=None)
    if worst is None or worst.health.score >= own.score:
        return StationHealth(own, own, scored)
    where = f"EVSE {worst.evse_id} connector {worst.connector_id}"
    reasons = (*(f"{where}: {r}" for r in worst.health.reasons), *own.reasons)
    return StationHealth(Health(worst.health.score, reasons), own, scored)


def power_share(delivered_w: float, offered_w: float) -> float | None:
    """A session's peak delivered power over the power offered (None: nothing offered)."""
    if offered_w <= 0:
        return None
    return max(0.0, min(1.0, delivered_w / offered_w))
