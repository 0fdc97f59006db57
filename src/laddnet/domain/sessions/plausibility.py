"""What a station cannot be trusted with: session-level plausibility rules, pure.

Station time is the truth for what happened (it arrives late from offline queues), so an
implausible time is kept, not corrected: the session is flagged for review instead, so it cannot
silently move into another billing period. The rules (documented in docs/security.md):

- A negative register (meterStart or any reading) is an anomaly; such a session bills nothing
  until reviewed (`meter.assess`).
- A station time more than `max_skew` ahead of our receive time, before `EARLIEST_PLAUSIBLE`, or
  more than `max_skew` before the station was registered here, is implausible.
- One connector (1.6) or EVSE (2.0.1) charges one session at a time: when a session starts on
  one that has an active session, the one that started earlier is closed at the later one's
  start and flagged `superseded` (its own end, if it arrives later, still counts).
- 2.0.1 numbers a transaction's events 0, 1, 2, ...: a session missing a seqNo below the highest
  received is incomplete until the missing events arrive or `gap_timeout` passes; then it is
  flagged `missing_events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from laddnet.domain.sessions.model import Anomaly

# No OCPP station can have a record older than this (OCPP 1.6 was published in 2015).
EARLIEST_PLAUSIBLE = datetime(2010, 1, 1, tzinfo=UTC)
SUPERSEDED_REASON = "Superseded"


def start_register_anomaly(meter_start_wh: Decimal | None) -> Anomaly | None:
    """A negative meterStart: the register cannot be below zero."""
    if meter_start_wh is not None and meter_start_wh < 0:
        return Anomaly.NEGATIVE_VALUE
    return None


def is_late(at: datetime, received_at: datetime, max_skew: timedelta) -> bool:
    """Whether `at` is older than our receive time allows without a look at the station's
    registration (the usual, live case is not; only late or odd times need it)."""
    return at < received_at - max_skew


def time_anomaly(
    at: datetime,
    received_at: datetime,
    max_skew: timedelta,
    registered_at: datetime | None = None,
) -> Anomaly | None:
    """Why a station time is implausible against our receive time; None if it is plausible."""
    if at > received_at + max_skew:
        return Anomaly.TIME_AHEAD_OF_CLOCK
    if at < EARLIEST_PLAUSIBLE:
        return Anomaly.TIME_BEFORE_REGISTRATION
    if registered_at is not None and at < registered_at - max_skew:
        return Anomaly.TIME_BEFORE_REGISTRATION
    return None


@dataclass(frozen=True, slots=True)
class OpenSession:
    """An active session on a connector/EVSE, as the superseding rule sees it."""

    id: int
    started_at: datetime | None


@dataclass(frozen=True, slots=True)
class Supersession:
    """Close session `closed` at `at` (the start of the session that replaced it)."""

    closed: int
    at: datetime


def supersede(new: OpenSession, others: Iterable[OpenSession]) -> list[Supersession]:
    """Which sessions to close when `new` is active on a connector/EVSE where `others` are.

    In order of start (a session with no known start first; ties by id), each session but the
    last is closed at the start of the one after it."""
    ordered = sorted([new, *others], key=lambda o: (o.started_at is not None, o.started_at, o.id))
    return [
        Supersession(earlier.id, later.started_at)
        for earlier, later in pairwise(ordered)
        if later.started_at is not None
    ]


def sequence_gaps(seq_nos: Iterable[int]) -> list[int]:
    """The seqNos missing below the highest received (numbering starts at 0)."""
    seen = set(seq_nos)
    if not seen:
        return []
    return [n for n in range(max(seen)) if n not in seen]


def has_gap(count: int, highest: int | None) -> bool:
    """`sequence_gaps` from a count and the highest seqNo of distinct seqNos >= 0."""
    return highest is not None and count < highest + 1


def gap_timed_out(incomplete_since: datetime, now: datetime, timeout: timedelta) -> bool:
    return now - incomplete_since >= timeout
