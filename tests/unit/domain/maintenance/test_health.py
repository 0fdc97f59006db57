"""The health score: healthy stations score 100, each kind of trouble costs points, in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.health import (
    ConnectorSignals,
    HealthSignals,
    power_share,
    score,
    station_health,
)

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


def test_a_charger_delivering_half_the_power_it_offers_loses_points() -> None:
    half = HealthSignals(sessions=6, last_energy_at=NOW, power_shares=(0.5,) * 6)
    health = score(half, NOW)
    assert health.score == 77  # below the default threshold, 85
    assert health.reasons == ("delivered 50 % of the power it offered (median of 6 sessions)",)
    # One slow car among full-power sessions is not a fault; nor are two sessions.
    mixed = HealthSignals(sessions=5, last_energy_at=NOW, power_shares=(0.3, 1, 0.95, 1, 0.9))
    assert score(mixed, NOW).score == 100
    assert score(HealthSignals(power_shares=(0.1, 0.1)), NOW).score == 100


def test_heartbeat_gaps_and_old_firmware_lose_points() -> None:
    silent = HealthSignals(heartbeat_gaps=2)
    assert score(silent, NOW).reasons == ("went silent 2 times in 7 days",)
    assert score(silent, NOW).score == 90
    old = HealthSignals(firmware="1.2.3", firmware_since=NOW - timedelta(days=800))
    assert score(old, NOW).reasons == ("firmware 1.2.3 not updated in 800 days",)
    recent = HealthSignals(firmware="1.2.4", firmware_since=NOW - timedelta(days=30))
    assert score(recent, NOW).score == 100


def test_the_station_takes_its_worst_connectors_score_with_its_reasons() -> None:
    good = ConnectorSignals(1, 1, sessions=9, last_energy_at=NOW)
    bad = ConnectorSignals(2, 1, sessions=9, empty_sessions=3, last_energy_at=NOW)
    station = HealthSignals(sessions=18, empty_sessions=3, last_energy_at=NOW)
    found = station_health(station, (bad, good), NOW)
    assert found.own.score == 90  # 3 of 18 across the station
    assert [(c.evse_id, c.health.score) for c in found.connectors] == [(1, 100), (2, 80)]
    assert found.score == 80
    assert found.reasons == (
        "EVSE 2 connector 1: 3 of 9 sessions delivered no energy",
        "3 of 18 sessions delivered no energy",
    )
    # When no connector is worse than the station, the station's own score stands.
    rebooting = HealthSignals(boots=19, sessions=9, last_energy_at=NOW)
    assert station_health(rebooting, (good,), NOW).reasons == ("19 reboots in 7 days",)


def test_power_share_is_bounded() -> None:
    assert power_share(11_000, 22_000) == 0.5
    assert power_share(30_000, 22_000) == 1.0
    assert power_share(100, 0) is None
