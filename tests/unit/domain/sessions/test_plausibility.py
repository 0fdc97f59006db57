"""Session plausibility rules: negative registers, implausible times, one session per
connector, 2.0.1 sequence gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laddnet.domain.sessions.meter import assess
from laddnet.domain.sessions.model import Anomaly, RegisterReading
from laddnet.domain.sessions.plausibility import (
    EARLIEST_PLAUSIBLE,
    OpenSession,
    Supersession,
    gap_timed_out,
    has_gap,
    is_late,
    sequence_gaps,
    start_register_anomaly,
    supersede,
    time_anomaly,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SKEW = timedelta(minutes=15)
REGISTERED = datetime(2026, 1, 1, tzinfo=UTC)


def test_negative_meter_start_is_an_anomaly() -> None:
    assert start_register_anomaly(Decimal(-1)) is Anomaly.NEGATIVE_VALUE
    assert start_register_anomaly(Decimal(0)) is None
    assert start_register_anomaly(None) is None


def test_a_negative_start_bills_nothing_whatever_follows() -> None:
    start = RegisterReading(NOW - timedelta(hours=1), Decimal(-5000))
    result = assess(start, [RegisterReading(NOW, Decimal(20_000))], 400_000)
    assert result.energy_wh == 0
    assert Anomaly.NEGATIVE_VALUE in result.anomalies


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (NOW, None),
        (NOW + SKEW, None),
        (NOW + SKEW + timedelta(seconds=1), Anomaly.TIME_AHEAD_OF_CLOCK),
        (NOW + timedelta(hours=3), Anomaly.TIME_AHEAD_OF_CLOCK),
        (datetime(2099, 1, 1, tzinfo=UTC), Anomaly.TIME_AHEAD_OF_CLOCK),
        (datetime(1970, 1, 1, tzinfo=UTC), Anomaly.TIME_BEFORE_REGISTRATION),
        (REGISTERED - SKEW - timedelta(seconds=1), Anomaly.TIME_BEFORE_REGISTRATION),
        (REGISTERED - SKEW, None),
        (NOW - timedelta(days=30), None),  # an offline queue weeks late is plausible
    ],
)
def test_time_plausibility(at: datetime, expected: Anomaly | None) -> None:
    assert time_anomaly(at, NOW, SKEW, REGISTERED) is expected


def test_before_the_earliest_plausible_date_without_a_registration() -> None:
    before = EARLIEST_PLAUSIBLE - timedelta(days=1)
    assert time_anomaly(before, NOW, SKEW, None) is Anomaly.TIME_BEFORE_REGISTRATION
    assert time_anomaly(EARLIEST_PLAUSIBLE, NOW, SKEW, None) is None


def test_only_late_times_need_the_registration() -> None:
    assert not is_late(NOW - timedelta(seconds=5), NOW, SKEW)
    assert is_late(NOW - timedelta(hours=1), NOW, SKEW)


def test_a_new_start_closes_the_earlier_session_at_its_start() -> None:
    old = OpenSession(1, NOW - timedelta(hours=2))
    new = OpenSession(2, NOW)
    assert supersede(new, [old]) == [Supersession(1, NOW)]


def test_a_late_older_start_is_the_one_closed() -> None:
    active = OpenSession(1, NOW)
    late = OpenSession(2, NOW - timedelta(hours=2))  # arrives from an offline queue
    assert supersede(late, [active]) == [Supersession(2, NOW)]


def test_several_overlapping_sessions_close_in_a_chain() -> None:
    a = OpenSession(1, NOW - timedelta(hours=3))
    b = OpenSession(2, NOW - timedelta(hours=1))
    unknown = OpenSession(3, None)
    c = OpenSession(4, NOW)
    closed = supersede(c, [b, a, unknown])
    assert closed == [
        Supersession(3, NOW - timedelta(hours=3)),
        Supersession(1, NOW - timedelta(hours=1)),
        Supersession(2, NOW),
    ]


def test_no_other_session_closes_nothing() -> None:
    assert supersede(OpenSession(1, NOW), []) == []


@given(st.sets(st.integers(min_value=0, max_value=60), max_size=40))
def test_gap_from_count_and_highest_matches_the_missing_seq_nos(seen: set[int]) -> None:
    highest = max(seen) if seen else None
    assert has_gap(len(seen), highest) == bool(sequence_gaps(seen))


def test_sequence_gaps_name_the_missing_numbers() -> None:
    assert sequence_gaps([0, 1, 4, 2]) == [3]
    assert sequence_gaps([3]) == [0, 1, 2]  # Started (seqNo 0) never arrived
    assert sequence_gaps([0, 1, 2]) == []
    assert sequence_gaps([]) == []


def test_gap_wait_times_out() -> None:
    since = NOW - timedelta(hours=6)
    assert gap_timed_out(since, NOW, timedelta(hours=6))
    assert not gap_timed_out(since, NOW - timedelta(seconds=1), timedelta(hours=6))
