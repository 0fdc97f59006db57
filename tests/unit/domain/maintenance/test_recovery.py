"""When automatic recovery has failed (and a fault's ticket opens)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from laddnet.domain.commands.model import CommandName
from laddnet.domain.maintenance.alerts import Alert, AlertKey, AlertKind, AlertRules, Severity
from laddnet.domain.maintenance.recovery import (
    Attempt,
    RecoveryAction,
    command,
    next_step,
    recovers_first,
    recovery_failed,
    steps,
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


SILENT = Alert(
    2, AlertKey("CS-1", 0, 0, AlertKind.HEARTBEAT_MISSING), Severity.WARNING, T0, None, {}
)
FAILING = Alert(
    3, AlertKey("CS-1", 2, 0, AlertKind.FAILED_SESSIONS), Severity.WARNING, T0, None, {}
)


def test_each_kind_has_its_own_steps_hard_ones_off_by_default() -> None:
    assert [a for a, _ in steps(SOFT, AlertKind.HEARTBEAT_MISSING)] == [
        RecoveryAction.TRIGGER_MESSAGE
    ]
    assert [a for a, _ in steps(SOFT, AlertKind.FAILED_SESSIONS)] == [
        RecoveryAction.UNLOCK_CONNECTOR
    ]
    more = replace(
        SOFT, recovery_heartbeat_soft_reset=True, recovery_failed_sessions_soft_reset=True
    )
    assert steps(more, AlertKind.HEARTBEAT_MISSING) == [
        (RecoveryAction.TRIGGER_MESSAGE, timedelta(0)),
        (RecoveryAction.SOFT_RESET, timedelta(minutes=10)),
    ]
    assert [a for a, _ in steps(more, AlertKind.FAILED_SESSIONS)][1] is RecoveryAction.SOFT_RESET
    for kind in (AlertKind.STATION_OFFLINE, AlertKind.BOOT_LOOP, AlertKind.SECURITY_CRITICAL):
        assert steps(more, kind) == []
        assert not recovers_first(kind, more)


def test_the_commands_the_steps_send() -> None:
    assert command(RecoveryAction.TRIGGER_MESSAGE, SILENT) == (
        CommandName.TRIGGER_MESSAGE,
        {"message": "Heartbeat"},
    )
    assert command(RecoveryAction.UNLOCK_CONNECTOR, FAILING) == (
        CommandName.UNLOCK_CONNECTOR,
        {"evse_id": 2, "connector_id": 1},
    )
    assert command(RecoveryAction.HARD_RESET, FAULT) == (CommandName.RESET, {"type": "hard"})


def test_a_heartbeat_is_asked_for_while_charging_an_unlock_is_not() -> None:
    asked = next_step(SILENT, [], SOFT, T0, charging=True, attempts_today=0)
    assert asked == (0, RecoveryAction.TRIGGER_MESSAGE)
    assert next_step(FAILING, [], SOFT, T0, charging=True, attempts_today=0) is None
    assert next_step(FAILING, [], SOFT, T0, charging=False, attempts_today=0) == (
        0,
        RecoveryAction.UNLOCK_CONNECTOR,
    )
