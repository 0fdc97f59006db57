"""The ticket workflow and the problem-report rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laddnet.domain.errors import Conflict, InvalidInput
from laddnet.domain.maintenance.alerts import AlertKind, Severity
from laddnet.domain.maintenance.limits import RateLimit
from laddnet.domain.maintenance.tickets import (
    Priority,
    TicketStatus,
    check_text,
    check_transition,
    priority_for,
)

S = TicketStatus
T0 = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.OPEN, S.ACKNOWLEDGED),
        (S.OPEN, S.RESOLVED),
        (S.ACKNOWLEDGED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESOLVED),
        (S.RESOLVED, S.CLOSED),
        (S.RESOLVED, S.OPEN),
        (S.CLOSED, S.OPEN),
    ],
)
def test_the_workflow_allows_its_steps(current: TicketStatus, target: TicketStatus) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.OPEN, S.OPEN),
        (S.IN_PROGRESS, S.ACKNOWLEDGED),
        (S.RESOLVED, S.IN_PROGRESS),
        (S.CLOSED, S.RESOLVED),
    ],
)
def test_the_workflow_refuses_other_steps(current: TicketStatus, target: TicketStatus) -> None:
    with pytest.raises(Conflict, match=f"not {target.value}|{current.value} already"):
        check_transition(current, target)


def test_critical_alerts_make_high_priority_tickets() -> None:
    assert priority_for(AlertKind.STATION_OFFLINE, Severity.CRITICAL) is Priority.HIGH
    assert priority_for(AlertKind.BOOT_LOOP, Severity.WARNING) is Priority.NORMAL


def test_texts_are_trimmed_and_bounded() -> None:
    assert check_text("note", "  fixed  ", 10) == "fixed"
    with pytest.raises(InvalidInput, match="note: must not be empty"):
        check_text("note", "   ", 10)
    with pytest.raises(InvalidInput, match="at most 3"):
        check_text("title", "four", 3)


def test_the_rate_limit_counts_per_key_within_its_window() -> None:
    limit = RateLimit(2, timedelta(hours=1))
    assert limit.allow("a", T0) and limit.allow("a", T0 + timedelta(minutes=1))
    assert not limit.allow("a", T0 + timedelta(minutes=2))
    assert limit.allow("b", T0 + timedelta(minutes=2))
    assert limit.allow("a", T0 + timedelta(hours=1, seconds=1))
