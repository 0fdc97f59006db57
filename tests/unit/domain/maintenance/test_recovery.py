"""When automatic recovery has failed (and a fault's ticket opens)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.alerts import Alert, AlertKey, AlertKind, AlertRules, Severity
from laddnet.domain.maintenance.recovery import (
    Attempt,
    RecoveryAction,
    recovers_first,
    recovery_failed,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FAULT = Alert(
    1, AlertKey("CS-1", 1, 1, AlertKind.CONNECTOR_FAULTED), Severity.CRITICAL, T0, None, {}
)
SOFT = AlertRules()  # soft reset on, hard reset off, 10 minutes to clear, 3 a day
BOTH = replace(SOFT, recovery_hard_reset=True)
OFF = replace(SOFT, recovery_soft_reset=False)


def soft(at: datetime) -> Attempt:
    return Attempt(1, 0, RecoveryAction.SOFT_RESET, at)


def test_only_recoverable_kinds_wait_for_recovery_and_only_while_a_step_is_on() -> None:
    assert recovers_first(AlertKind.CONNECTOR_FAULTED, SOFT)
    assert not recovers_first(AlertKind.CONNECTOR_FAULTED, OFF)
    assert not recovers_first(AlertKind.STATION_OFFLINE, SOFT)


def test_recovery_off_has_failed_at_once() -> None:
    assert recovery_failed(FAULT, [], OFF, T0, attempts_today=0)


def test_the_last_step_gets_its_time_to_clear_the_fault() -> None:
    assert not recovery_failed(FAULT, [], SOFT, T0, attempts_today=0)  # no step taken yet
    tried = [soft(T0)]
    assert not recovery_failed(FAULT, tried, SOFT, T0 + timedelta(minutes=9), attempts_today=1)
    assert recovery_failed(FAULT, tried, SOFT, T0 + timedelta(minutes=10), attempts_today=1)
    # With a hard reset still to come, the soft one's failure is no reason for a ticket.
    assert not recovery_failed(FAULT, tried, BOTH, T0 + timedelta(minutes=30), attempts_today=1)


def test_the_days_attempts_spent_before_the_next_step_is_a_failure() -> None:
    assert recovery_failed(FAULT, [], SOFT, T0, attempts_today=3)
    assert recovery_failed(FAULT, [soft(T0)], BOTH, T0, attempts_today=3)


def test_a_closed_alert_never_failed() -> None:
    closed = replace(FAULT, closed_at=T0)
    assert not recovery_failed(closed, [], OFF, T0, attempts_today=0)
