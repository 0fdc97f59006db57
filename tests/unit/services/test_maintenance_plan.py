"""A timed plan is applied in parts, so one unit of work never holds many alerts."""

from __future__ import annotations

from datetime import UTC, datetime

from laddnet.domain.maintenance.alerts import (
    Alert,
    AlertKey,
    AlertKind,
    Condition,
    Decision,
    RuleSet,
    Severity,
)
from laddnet.services.maintenance.evaluation import TimedPlan

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_plan_is_cut_into_parts_keeping_every_step_once() -> None:
    opens = [
        Condition(AlertKey(f"S{i}", 0, 0, AlertKind.STATION_OFFLINE), T0, {}) for i in range(5)
    ]
    closes = [
        Alert(i, AlertKey(f"C{i}", 0, 0, AlertKind.BOOT_LOOP), Severity.WARNING, T0, None, {})
        for i in range(3)
    ]
    plan = TimedPlan(RuleSet(), Decision(opens, closes), {"S1": "site"}, frozenset({"C1"}))
    parts = plan.parts(3)
    assert [(len(p.decision.open), len(p.decision.close)) for p in parts] == [
        (3, 0),
        (2, 1),
        (0, 2),
    ]
    assert [c for p in parts for c in p.decision.open] == opens
    assert [a for p in parts for a in p.decision.close] == closes
    assert all(p.sites == {"S1": "site"} and p.resting == {"C1"} for p in parts)
    assert TimedPlan(RuleSet(), Decision([], []), {}, frozenset()).parts(3) == []
