"""The connector-status and availability reducers: late (replayed) reports never overwrite newer
state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.model import (
    Availability,
    AvailabilityReport,
    ChargingState,
    ConnectorState,
    ConnectorStatus,
    StatusReport,
    reduce_availability,
    reduce_charging_state,
    reduce_status,
)

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def a_report(**overrides: object) -> StatusReport:
    fields: dict[str, object] = {
        "station_id": StationId("CS-1"),
        "evse_id": EvseId(1),
        "connector_id": ConnectorId(1),
        "status": ConnectorStatus.OCCUPIED,
        "charging_state": ChargingState.CHARGING,
        "error_code": None,
        "reported_at": T0,
    }
    fields.update(overrides)
    return StatusReport(**fields)  # type: ignore[arg-type]


def a_state(**overrides: object) -> ConnectorState:
    fields: dict[str, object] = {
        "status": ConnectorStatus.AVAILABLE,
        "charging_state": ChargingState.IDLE,
        "error_code": None,
        "reported_at": T0,
    }
    fields.update(overrides)
    return ConnectorState(**fields)  # type: ignore[arg-type]


def test_first_report_sets_the_state() -> None:
    report = a_report(
        status=ConnectorStatus.FAULTED, charging_state=None, error_code="GroundFailure"
    )
    assert reduce_status(None, report) == ConnectorState(
        status=ConnectorStatus.FAULTED,
        charging_state=None,
        error_code="GroundFailure",
        reported_at=T0,
    )


def test_newer_report_is_applied() -> None:
    later = T0 + timedelta(seconds=1)
    new = reduce_status(a_state(), a_report(reported_at=later))
    assert new == ConnectorState(
        status=ConnectorStatus.OCCUPIED,
        charging_state=ChargingState.CHARGING,
        error_code=None,
        reported_at=later,
    )


def test_report_with_equal_time_is_applied() -> None:
    new = reduce_status(a_state(), a_report(reported_at=T0))
    assert new is not None
    assert new.status is ConnectorStatus.OCCUPIED
    assert new.charging_state is ChargingState.CHARGING


def test_older_report_is_ignored() -> None:
    current = a_state(reported_at=T0)
    assert reduce_status(current, a_report(reported_at=T0 - timedelta(microseconds=1))) is None


def test_comparison_is_by_instant_not_by_wall_clock_offset() -> None:
    # 13:00+02:00 is 11:00 UTC: older than the 12:00 UTC state, whatever the clock reads.
    older = datetime(2024, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=2)))
    assert reduce_status(a_state(reported_at=T0), a_report(reported_at=older)) is None


# --- 2.0.1: the charging state comes with transaction events ------------------------------------


def test_occupied_without_a_charging_state_keeps_the_one_we_know() -> None:
    current = a_state(status=ConnectorStatus.OCCUPIED, charging_state=ChargingState.CHARGING)
    later = T0 + timedelta(seconds=5)
    new = reduce_status(current, a_report(charging_state=None, reported_at=later))
    assert new is not None
    assert new.charging_state is ChargingState.CHARGING


def test_available_without_a_charging_state_clears_it() -> None:
    current = a_state(status=ConnectorStatus.OCCUPIED, charging_state=ChargingState.CHARGING)
    report = a_report(
        status=ConnectorStatus.AVAILABLE, charging_state=None, reported_at=T0 + timedelta(1)
    )
    new = reduce_status(current, report)
    assert new is not None
    assert new.charging_state is None


def test_a_charging_state_changes_only_the_charging_state() -> None:
    current = a_state(status=ConnectorStatus.OCCUPIED, charging_state=ChargingState.EV_CONNECTED)
    later = T0 + timedelta(seconds=5)
    assert reduce_charging_state(current, ChargingState.CHARGING, later) == ConnectorState(
        ConnectorStatus.OCCUPIED, ChargingState.CHARGING, None, later
    )


def test_the_same_or_an_older_charging_state_changes_nothing() -> None:
    current = a_state(status=ConnectorStatus.OCCUPIED, charging_state=ChargingState.CHARGING)
    assert reduce_charging_state(current, ChargingState.CHARGING, T0 + timedelta(1)) is None
    assert reduce_charging_state(current, ChargingState.IDLE, T0 - timedelta(seconds=1)) is None


def test_a_charging_state_for_an_unknown_connector_implies_its_status() -> None:
    charging = reduce_charging_state(None, ChargingState.CHARGING, T0)
    idle = reduce_charging_state(None, ChargingState.IDLE, T0)
    assert charging is not None and charging.status is ConnectorStatus.OCCUPIED
    assert idle is not None and idle.status is ConnectorStatus.AVAILABLE


def an_availability(evse: int, status: ConnectorStatus, at: datetime) -> AvailabilityReport:
    return AvailabilityReport(StationId("CS-1"), EvseId(evse), status, None, at)


def test_availability_first_report_sets_it_and_newer_or_equal_ones_replace_it() -> None:
    first = reduce_availability(None, an_availability(0, ConnectorStatus.UNAVAILABLE, T0))
    assert first == Availability(ConnectorStatus.UNAVAILABLE, None, T0)
    same_time = an_availability(0, ConnectorStatus.FAULTED, T0)
    assert reduce_availability(first, same_time) == Availability(ConnectorStatus.FAULTED, None, T0)
    later = T0 + timedelta(seconds=1)
    newer = an_availability(0, ConnectorStatus.AVAILABLE, later)
    assert reduce_availability(first, newer) == Availability(ConnectorStatus.AVAILABLE, None, later)


def test_availability_older_report_is_ignored() -> None:
    current = Availability(ConnectorStatus.OCCUPIED, None, T0)
    replayed = an_availability(2, ConnectorStatus.AVAILABLE, T0 - timedelta(microseconds=1))
    assert reduce_availability(current, replayed) is None
