"""Which accepted status reports make a status-history row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.history import availability_change, connector_change
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    Availability,
    AvailabilityReport,
    ChargingState,
    ConnectorState,
    ConnectorStatus,
    StatusReport,
    reduce_availability,
    reduce_status,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=5)
CP = StationId("CP-1")


def report(
    status: ConnectorStatus, charging: ChargingState | None, error: str | None, at: datetime
) -> StatusReport:
    return StatusReport(
        CP, EvseId(1), ConnectorId(1), status, charging, error, at, "Acme", "E42", "door open"
    )


def test_the_first_report_of_a_connector_is_a_change_with_vendor_info() -> None:
    first = report(ConnectorStatus.AVAILABLE, ChargingState.IDLE, None, T0)
    new = reduce_status(None, first)
    assert new is not None
    change = connector_change(None, new, first, NOW)
    assert change is not None
    assert (change.evse_id, change.connector_id, change.status) == (1, 1, ConnectorStatus.AVAILABLE)
    assert (change.vendor_id, change.vendor_error_code, change.info) == ("Acme", "E42", "door open")
    assert (change.reported_at, change.received_at) == (T0, NOW)


def test_a_repeated_status_is_no_change_but_a_new_error_or_charging_state_is() -> None:
    current = ConnectorState(ConnectorStatus.OCCUPIED, ChargingState.CHARGING, None, T0)
    later = T0 + timedelta(minutes=1)
    for status, charging, error, changed in [
        (ConnectorStatus.OCCUPIED, ChargingState.CHARGING, None, False),
        (ConnectorStatus.OCCUPIED, ChargingState.SUSPENDED_EV, None, True),
        (ConnectorStatus.OCCUPIED, ChargingState.CHARGING, "GroundFailure", True),
        (ConnectorStatus.FAULTED, None, "GroundFailure", True),
    ]:
        r = report(status, charging, error, later)
        new = reduce_status(current, r)
        assert new is not None
        assert (connector_change(current, new, r, NOW) is not None) is changed


def test_an_availability_change_is_connector_0_and_a_repeat_is_none() -> None:
    r = AvailabilityReport(CP, WHOLE_STATION, ConnectorStatus.UNAVAILABLE, None, T0)
    new = reduce_availability(None, r)
    assert new is not None
    change = availability_change(None, new, r, NOW)
    assert change is not None
    assert (change.evse_id, change.connector_id, change.charging_state) == (0, 0, None)
    current = Availability(ConnectorStatus.UNAVAILABLE, None, T0 - timedelta(hours=1))
    assert availability_change(current, new, r, NOW) is None
