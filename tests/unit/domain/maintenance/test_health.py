"""The health score: healthy stations score 100, each kind of trouble costs points, in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.health import HealthSignals, score

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_healthy_station_scores_100() -> None:
    busy = HealthSignals(sessions=40, boots=1, disconnects=2, last_energy_at=NOW)
    assert score(busy, NOW).score == 100
    assert score(HealthSignals(), NOW).reasons == ()


def test_a_connector_failing_one_session_in_three_loses_points() -> None:
    health = score(HealthSignals(sessions=9, empty_sessions=3, last_energy_at=NOW), NOW)
    assert health.score == 80
    assert health.reasons == ("3 of 9 sessions delivered no energy",)


def test_a_station_rebooting_every_hour_scores_low() -> None:
    health = score(HealthSignals(boots=7 * 24, disconnects=7 * 24), NOW)
    assert health.score == 55
    assert health.reasons == ("168 reboots in 7 days", "connection lost 168 times in 7 days")


def test_a_station_nobody_can_charge_at_is_near_zero() -> None:
    broken = HealthSignals(
        sessions=5, empty_sessions=5, fault_reports=6, last_energy_at=NOW - timedelta(days=5)
    )
    health = score(broken, NOW)
    assert health.score == 0
    assert health.reasons[0] == "5 of 5 sessions delivered no energy"
    assert "no session delivered energy in 3 days, though drivers tried" in health.reasons


def test_few_sessions_say_little() -> None:
    assert score(HealthSignals(sessions=2, empty_sessions=1, last_energy_at=NOW), NOW).score == 100
