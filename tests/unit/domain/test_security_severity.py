"""Severity of security events and the `security_critical` alert's details and quiet period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.alerts import (
    DEFAULT_RULES,
    Alert,
    AlertKey,
    AlertKind,
    Severity,
    security_details,
    security_quiet,
)
from laddnet.domain.security.model import SecurityEventKind as K
from laddnet.domain.security.severity import event_data, severity

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_laddnet_kinds_have_their_severity() -> None:
    assert severity(K.SECURITY_PROFILE_DOWNGRADE) == "critical"
    assert severity(K.LOGIN_THROTTLED) == "critical"
    assert severity(K.BAD_CREDENTIALS) == "warning"
    assert severity(K.PASSWORD_CHANGED) == "info"
    assert all(severity(k) in {"critical", "warning", "info"} for k in K)


def test_a_station_report_takes_the_severity_of_its_ocpp_type() -> None:
    assert severity(K.STATION_REPORTED, "TamperDetectionActivated: lid open") == "critical"
    assert severity(K.STATION_REPORTED, "StartupOfTheDevice: ") == "info"
    assert severity(K.STATION_REPORTED, "VendorThing: ?") == "warning"


def test_the_published_data_names_the_type_and_not_the_address() -> None:
    data = event_data(7, K.STATION_REPORTED, "SecurityLogWasCleared: x", T0)
    assert data == {
        "id": 7,
        "kind": "station_reported",
        "severity": "critical",
        "detail": "SecurityLogWasCleared: x",
        "occurred_at": T0.isoformat(),
        "type": "SecurityLogWasCleared",
    }


def test_details_count_events_and_keep_each_cause_once() -> None:
    first = security_details(None, {"id": 1, "kind": "login_throttled"}, T0)
    assert first["events"] == 1 and first["causes"] == ["login_throttled"]
    later = T0 + timedelta(minutes=5)
    second = security_details(first, {"id": 2, "kind": "login_throttled"}, later)
    third = security_details(
        second, {"id": 3, "kind": "station_reported", "type": "TamperDetectionActivated"}, later
    )
    assert third["events"] == 3
    assert third["causes"] == ["login_throttled", "TamperDetectionActivated"]
    assert third["last_at"] == later.isoformat()


def test_an_alert_is_quiet_after_the_configured_minutes_since_the_last_event() -> None:
    details = security_details(None, {"id": 1, "kind": "login_throttled"}, T0)
    key = AlertKey("CP-1", 0, 0, AlertKind.SECURITY_CRITICAL)
    alert = Alert(1, key, Severity.CRITICAL, T0, None, details)
    rules = DEFAULT_RULES.apply({"security_quiet_minutes": 15})
    assert not security_quiet(alert, rules, T0 + timedelta(minutes=14))
    assert security_quiet(alert, rules, T0 + timedelta(minutes=15))
    other = Alert(2, AlertKey("CP-1", 0, 0, AlertKind.BOOT_LOOP), Severity.WARNING, T0, None, {})
    assert not security_quiet(other, rules, T0 + timedelta(days=1))


def test_every_kind_of_laddnets_own_has_a_chosen_severity() -> None:
    from laddnet.domain.security.severity import _OWN

    assert set(K) - {K.STATION_REPORTED} == set(_OWN)
