"""Alert rules: overrides, the timed conditions, reconciliation with open alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.maintenance.alerts import (
    DEFAULT_RULES,
    Alert,
    AlertKey,
    AlertKind,
    Condition,
    RuleSet,
    Severity,
    StationFacts,
    check_overrides,
    failed_run,
    reconcile,
    remember_boot,
    still_holding,
    timed_conditions,
)

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
K = AlertKind


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def facts(**kw: object) -> StationFacts:
    base: dict[str, object] = {
        "station_id": "CS-1",
        "site_id": None,
        "connected": True,
        "last_seen_at": T0,
    }
    base.update(kw)
    return StationFacts(**base)  # type: ignore[arg-type]


def kinds(found: list[Condition]) -> list[AlertKind]:
    return [c.key.kind for c in found]


def test_site_overrides_win_over_network_overrides_over_defaults() -> None:
    rules = RuleSet({"station_offline_minutes": 20}, {"S1": {"station_offline_minutes": 2}})
    assert rules.for_site(None).station_offline_minutes == 20
    assert rules.for_site("S1").station_offline_minutes == 2
    assert rules.for_site("S2").station_offline_minutes == 20
    assert rules.for_site("S1").connector_faulted_minutes == DEFAULT_RULES.connector_faulted_minutes


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"offline": 3}, "'offline' does not exist"),
        ({"station_offline_minutes": -1}, "whole number 0-10080"),
        ({"station_offline_minutes": 1.5}, "whole number"),
        ({"station_offline_minutes": True}, "whole number"),
        ({"firmware_failed": 1}, "true or false"),
        ({"boot_loop_minutes": 0}, "whole number 1-1440"),
    ],
)
def test_bad_overrides_are_refused_by_name(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_overrides(overrides)


def test_offline_alerts_only_after_the_threshold() -> None:
    offline = facts(connected=False, last_seen_at=T0)
    assert timed_conditions([offline], RuleSet(), T0 + minutes(9)) == []
    found = timed_conditions([offline], RuleSet(), T0 + minutes(10))
    assert kinds(found) == [K.STATION_OFFLINE]
    assert found[0].since == T0


def test_a_rule_at_zero_is_off() -> None:
    offline = facts(connected=False, last_seen_at=T0)
    assert (
        timed_conditions([offline], RuleSet({"station_offline_minutes": 0}), T0 + minutes(99)) == []
    )


def test_a_silent_connected_station_misses_heartbeats() -> None:
    silent = facts(last_seen_at=T0)
    assert timed_conditions([silent], RuleSet(), T0 + minutes(59)) == []
    assert kinds(timed_conditions([silent], RuleSet(), T0 + minutes(60))) == [K.HEARTBEAT_MISSING]


def test_faults_alert_per_connector_after_their_threshold() -> None:
    faulted = facts(faults={(1, 1): (T0, "Faulted"), (2, 1): (T0 + minutes(3), "Faulted")})
    found = timed_conditions([faulted], RuleSet(), T0 + minutes(5))
    assert [(c.key.evse_id, c.key.connector_id) for c in found] == [(1, 1)]
    assert found[0].details == {"reason": "Faulted"}


def test_a_station_faulted_through_its_connectors_is_alerted_per_connector() -> None:
    through = facts(faults={(0, 0): (T0, "a connector"), (1, 1): (T0, "Faulted")})
    found = timed_conditions([through], RuleSet(), T0 + minutes(5))
    assert [(c.key.evse_id, c.key.connector_id) for c in found] == [(1, 1)]
    alone = facts(faults={(0, 0): (T0, "station Faulted")})
    found = timed_conditions([alone], RuleSet(), T0 + minutes(5))
    assert [(c.key.evse_id, c.key.connector_id) for c in found] == [(0, 0)]


def test_faults_of_an_offline_station_are_its_offline_alert_only() -> None:
    offline = facts(connected=False, faults={(1, 1): (T0, "Faulted")})
    assert kinds(timed_conditions([offline], RuleSet(), T0 + minutes(30))) == [K.STATION_OFFLINE]


def test_boot_loop_counts_boots_inside_the_window() -> None:
    boots = (T0, T0 + minutes(10), T0 + minutes(20))
    assert kinds(timed_conditions([facts(boots=boots)], RuleSet(), T0 + minutes(25))) == [
        K.BOOT_LOOP
    ]
    assert timed_conditions([facts(boots=boots)], RuleSet(), T0 + minutes(31)) == []


def test_remember_boot_keeps_a_week_of_boots() -> None:
    rules = RuleSet({"boot_loop_minutes": 10}, {"S1": {"boot_loop_minutes": 60}})
    week = timedelta(days=7)
    kept = remember_boot((T0 - week, T0, T0 + minutes(30)), T0 + minutes(61), rules)
    assert kept == (T0, T0 + minutes(30), T0 + minutes(61))


def test_failed_run_needs_k_empty_sessions_in_a_row() -> None:
    zero, some = Decimal(0), Decimal("1200.5")
    assert failed_run([zero, zero, zero], DEFAULT_RULES)
    assert not failed_run([zero, zero, some], DEFAULT_RULES)
    assert not failed_run([zero, zero], DEFAULT_RULES)
    assert not failed_run([zero] * 5, DEFAULT_RULES.apply({"failed_sessions_in_a_row": 0}))


def an_alert(kind: AlertKind, station: str = "CS-1") -> Alert:
    return Alert(1, AlertKey(station, 0, 0, kind), Severity.CRITICAL, T0, None, {})


def test_reconcile_opens_new_causes_once_and_closes_cleared_ones() -> None:
    offline = an_alert(K.STATION_OFFLINE)
    silent = an_alert(K.HEARTBEAT_MISSING, "CS-2")
    conditions = timed_conditions(
        [facts(connected=False), facts(station_id="CS-3", connected=False)],
        RuleSet(),
        T0 + minutes(10),
    )
    decision = reconcile([offline, silent], conditions)
    assert [c.key.station_id for c in decision.open] == ["CS-3"]
    assert decision.close == [silent]


def test_reconcile_leaves_event_driven_alerts_alone() -> None:
    firmware = an_alert(K.FIRMWARE_FAILED)
    assert reconcile([firmware], []).close == []


def test_a_fault_alert_stays_open_while_the_fault_is_young_again_or_its_station_offline() -> None:
    faulted = Alert(1, AlertKey("CS-1", 1, 1, K.CONNECTOR_FAULTED), Severity.CRITICAL, T0, None, {})
    # The fault came back after a reset's reboot: younger than the threshold, still there.
    again = [facts(faults={(1, 1): (T0 + minutes(20), "Faulted")})]
    conditions = timed_conditions(again, RuleSet(), T0 + minutes(21))
    assert conditions == []
    assert reconcile([faulted], conditions, keep=still_holding(again)).close == []
    # Rebooting: offline, nobody knows.
    assert reconcile([faulted], [], offline=frozenset({"CS-1"})).close == []
    # Cleared.
    assert reconcile([faulted], [], keep=still_holding([facts()])).close == [faulted]
