"""Failed-login throttling: five failures within 15 minutes lock for a minute, then longer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.accounts.throttle import locked_until, retry_after

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def at(*minutes: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in minutes]


def test_four_failures_do_not_lock() -> None:
    assert locked_until(at(0, 1, 2, 3)) is None


def test_five_failures_within_15_minutes_lock_for_one_minute_after_the_last() -> None:
    assert locked_until(at(0, 1, 2, 3, 4)) == T0 + timedelta(minutes=5)


def test_five_failures_spread_over_more_than_15_minutes_do_not_lock() -> None:
    assert locked_until(at(0, 4, 8, 12, 16)) is None


def test_each_further_failure_doubles_the_lockout_up_to_an_hour() -> None:
    assert locked_until(at(0, 1, 2, 3, 4, 6)) == T0 + timedelta(minutes=8)
    assert locked_until(at(0, 1, 2, 3, 4, 6, 9)) == T0 + timedelta(minutes=13)
    many = at(*range(40))
    assert locked_until(many) == T0 + timedelta(minutes=39 + 60)


def test_retry_after_rounds_up_and_ends_with_the_lock() -> None:
    failures = at(0, 1, 2, 3, 4)
    assert retry_after(failures, T0 + timedelta(minutes=4, seconds=0.5)) == 60
    assert retry_after(failures, T0 + timedelta(minutes=4, seconds=59.5)) == 1
    assert retry_after(failures, T0 + timedelta(minutes=5)) is None


def test_failures_older_than_a_day_are_forgotten() -> None:
    failures = at(0, 1, 2, 3, 4)
    assert retry_after(failures, T0 + timedelta(days=1, minutes=4, seconds=30)) is None
