"""Automatic recovery: the steps Laddnet takes by itself against a fault, before a technician.

Per alert kind, each step switched by its own rule, `recovery_hard_reset_after_minutes` apart:

- `connector_faulted`: a soft reset of its station (on by default), then a hard reset (off by
  default: it cuts power);
- `heartbeat_missing` (connected but silent): TriggerMessage Heartbeat (on), then a soft reset
  (off);
- `failed_sessions` (sessions in a row delivering nothing): UnlockConnector on that EVSE (on: a
  stuck lock is a common cause), then a soft reset (off).

An offline station cannot be reached, and a reset does not help a boot loop, a failed firmware
update, a meter anomaly, a low health score or a security event: those go to a ticket at once.
Resets and unlocks never while a session runs on the station; never more than
`recovery_attempts_per_day` steps per station in 24 hours; every attempt is recorded on its
alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.maintenance.alerts import Alert, AlertKind, AlertRules

RECOVERABLE = frozenset(
    {AlertKind.CONNECTOR_FAULTED, AlertKind.HEARTBEAT_MISSING, AlertKind.FAILED_SESSIONS}
)
DAY = timedelta(hours=24)


class RecoveryAction(StrEnum):
    SOFT_RESET = "soft_reset"
    HARD_RESET = "hard_reset"
    TRIGGER_MESSAGE = "trigger_message"
    UNLOCK_CONNECTOR = "unlock_connector"


RESET_TYPE = {RecoveryAction.SOFT_RESET: "soft", RecoveryAction.HARD_RESET: "hard"}
# Steps that would end a session: never taken while one runs on the station.
INTERRUPTING = frozenset(
    {RecoveryAction.SOFT_RESET, RecoveryAction.HARD_RESET, RecoveryAction.UNLOCK_CONNECTOR}
)


def command(action: RecoveryAction, alert: Alert) -> tuple[CommandName, dict[str, Any]]:
    """The command a step sends (through the command service, so it is in the command log)."""
    if action is RecoveryAction.TRIGGER_MESSAGE:
        return CommandName.TRIGGER_MESSAGE, {"message": "Heartbeat"}
    if action is RecoveryAction.UNLOCK_CONNECTOR:
        body = {
            "evse_id": max(1, alert.key.evse_id),
            "connector_id": max(1, alert.key.connector_id),
        }
        return CommandName.UNLOCK_CONNECTOR, body
    return CommandName.RESET, {"type": RESET_TYPE[action]}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One recovery step taken for an alert: the command sent and the station's answer (or
    why none came); `cleared`: whether the fault cleared after it (None: not known yet)."""

    alert_id: int
    step: int
    action: RecoveryAction
    at: datetime
    command_id: int | None = None
    status: str | None = None
    error: str | None = None
    cleared: bool | None = None


def steps(
    rules: AlertRules, kind: AlertKind = AlertKind.CONNECTOR_FAULTED
) -> list[tuple[RecoveryAction, timedelta]]:
    """The steps for an alert of `kind` in order, each with how long after the previous one
    (or the alert) it comes."""
    a = RecoveryAction
    switched: list[tuple[RecoveryAction, bool]]
    if kind is AlertKind.CONNECTOR_FAULTED:
        switched = [
            (a.SOFT_RESET, rules.recovery_soft_reset),
            (a.HARD_RESET, rules.recovery_hard_reset),
        ]
    elif kind is AlertKind.HEARTBEAT_MISSING:
        switched = [
            (a.TRIGGER_MESSAGE, rules.recovery_heartbeat_trigger),
            (a.SOFT_RESET, rules.recovery_heartbeat_soft_reset),
        ]
    elif kind is AlertKind.FAILED_SESSIONS:
        switched = [
            (a.UNLOCK_CONNECTOR, rules.recovery_failed_sessions_unlock),
            (a.SOFT_RESET, rules.recovery_failed_sessions_soft_reset),
        ]
    else:
        return []
    wait = timedelta(minutes=rules.recovery_hard_reset_after_minutes)
    out: list[tuple[RecoveryAction, timedelta]] = []
    for action, on in switched:
        if on:
            out.append((action, wait if out else timedelta(0)))
    return out


def next_step(
    alert: Alert,
    attempts: Sequence[Attempt],
    rules: AlertRules,
    now: datetime,
    *,
    charging: bool,
    attempts_today: int,
) -> tuple[int, RecoveryAction] | None:
    """The step to take now for an open alert (its index and action), or None: not a
    recoverable kind, every step taken, the next not yet due, a session running, or the
    station's attempts for the day spent."""
    if alert.key.kind not in RECOVERABLE or not alert.is_open:
        return None
    plan = steps(rules, alert.key.kind)
    done = len(attempts)
    if done >= len(plan):
        return None
    action, wait = plan[done]
    since = attempts[-1].at if attempts else alert.opened_at
    if now < since + wait or (charging and action in INTERRUPTING):
        return None
    if attempts_today >= rules.recovery_attempts_per_day:
        return None
    return done, action


def recovers_first(kind: AlertKind, rules: AlertRules) -> bool:
    """Whether an alert of `kind` waits for automatic recovery before its ticket opens."""
    return kind in RECOVERABLE and bool(steps(rules, kind))


def recovery_failed(
    alert: Alert,
    attempts: Sequence[Attempt],
    rules: AlertRules,
    now: datetime,
    *,
    attempts_today: int,
) -> bool:
    """Whether automatic recovery has done what it can for an open alert and the fault is
    still there: every step taken and the last one given `recovery_hard_reset_after_minutes`
    to clear it, or the station's attempts for the day spent before the next step."""
    if not alert.is_open:
        return False
    if not recovers_first(alert.key.kind, rules):
        return True
    plan = steps(rules, alert.key.kind)
    if len(attempts) >= len(plan):
        grace = timedelta(minutes=rules.recovery_hard_reset_after_minutes)
        return now >= attempts[-1].at + grace
    return attempts_today >= rules.recovery_attempts_per_day
