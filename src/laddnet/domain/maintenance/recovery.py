"""Automatic recovery: the steps Laddnet takes by itself against a fault, before a technician.

A connector faulted long enough to be alerted gets a soft reset of its station (on by default),
then, if still faulted `recovery_hard_reset_after_minutes` later, a hard reset (off by
default: it cuts power). Never while a session runs on the station, never more than
`recovery_attempts_per_day` per station in 24 hours; every attempt is recorded on its alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from laddnet.domain.maintenance.alerts import Alert, AlertKind, AlertRules

RECOVERABLE = frozenset({AlertKind.CONNECTOR_FAULTED})
DAY = timedelta(hours=24)


class RecoveryAction(StrEnum):
    SOFT_RESET = "soft_reset"
    HARD_RESET = "hard_reset"


RESET_TYPE = {RecoveryAction.SOFT_RESET: "soft", RecoveryAction.HARD_RESET: "hard"}


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


def steps(rules: AlertRules) -> list[tuple[RecoveryAction, timedelta]]:
    """The steps in order, each with how long after the previous one (or the alert) it comes."""
    out: list[tuple[RecoveryAction, timedelta]] = []
    if rules.recovery_soft_reset:
        out.append((RecoveryAction.SOFT_RESET, timedelta(0)))
    if rules.recovery_hard_reset:
        out.append(
            (RecoveryAction.HARD_RESET, timedelta(minutes=rules.recovery_hard_reset_after_minutes))
        )
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
    plan = steps(rules)
    done = len(attempts)
    if done >= len(plan):
        return None
    action, wait = plan[done]
    since = attempts[-1].at if attempts else alert.opened_at
    if now < since + wait or charging:
        return None
    if attempts_today >= rules.recovery_attempts_per_day:
        return None
    return done, action


def recovers_first(kind: AlertKind, rules: AlertRules) -> bool:
    """Whether an alert of `kind` waits for automatic recovery before its ticket opens."""
    return kind in RECOVERABLE and bool(steps(rules))


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
    plan = steps(rules)
    if len(attempts) >= len(plan):
        grace = timedelta(minutes=rules.recovery_hard_reset_after_minutes)
        return now >= attempts[-1].at + grace
    return attempts_today >= rules.recovery_attempts_per_day
