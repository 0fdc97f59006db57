"""The service status of connectors and stations, from their stored state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.maintenance.service_status import STATION_LEVEL, ServiceStatus, assess
from laddnet.domain.stations.model import (
    Availability,
    Connector,
    ConnectorState,
    ConnectorStatus,
    Evse,
    RegistrationStatus,
    Station,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
S = ServiceStatus
C1 = (EvseId(1), ConnectorId(1))
C2 = (EvseId(2), ConnectorId(1))


def a_connector(evse: int, status: ConnectorStatus, error: str | None = None) -> Connector:
    return Connector(EvseId(evse), ConnectorId(1), ConnectorState(status, None, error, T0))


def a_station(*connectors: Connector, **overrides: object) -> Station:
    station = Station(
        id=StationId("CS-1"),
        registration_status=RegistrationStatus.ACCEPTED,
        ocpp_version="1.6",
        info=None,
        connected=True,
        last_seen_at=T0,
        last_boot_at=T0,
        connectors=connectors,
    )
    return replace(station, **overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (ConnectorStatus.AVAILABLE, None, S.AVAILABLE),
        (ConnectorStatus.AVAILABLE, "NoError", S.AVAILABLE),
        (ConnectorStatus.OCCUPIED, None, S.IN_USE),
        (ConnectorStatus.RESERVED, None, S.IN_USE),
        (ConnectorStatus.FAULTED, None, S.NEEDS_MAINTENANCE),
        (ConnectorStatus.AVAILABLE, "GroundFailure", S.NEEDS_MAINTENANCE),
        (ConnectorStatus.UNAVAILABLE, None, S.IN_MAINTENANCE),
    ],
)
def test_a_connector_takes_its_reported_state(
    status: ConnectorStatus, error: str | None, expected: ServiceStatus
) -> None:
    found = assess(a_station(a_connector(1, status, error)), in_maintenance=False)
    assert found[C1].status is expected
    assert found[STATION_LEVEL].status is expected


def test_the_error_code_is_the_reason() -> None:
    found = assess(
        a_station(a_connector(1, ConnectorStatus.FAULTED, "GroundFailure")), in_maintenance=False
    )
    assert found[C1].reason == "Faulted (GroundFailure)"


def test_an_offline_station_has_offline_connectors_whatever_they_said() -> None:
    station = a_station(a_connector(1, ConnectorStatus.FAULTED), connected=False)
    found = assess(station, in_maintenance=False)
    assert (found[C1].status, found[STATION_LEVEL].status) == (S.OFFLINE, S.OFFLINE)


def test_maintenance_mode_wins_over_everything() -> None:
    station = a_station(a_connector(1, ConnectorStatus.FAULTED), connected=False)
    found = assess(station, in_maintenance=True)
    assert (found[C1].status, found[STATION_LEVEL].status) == (S.IN_MAINTENANCE, S.IN_MAINTENANCE)


def test_a_faulted_station_makes_every_connector_need_maintenance() -> None:
    station = a_station(
        a_connector(1, ConnectorStatus.AVAILABLE),
        availability=Availability(ConnectorStatus.FAULTED, None, T0),
    )
    found = assess(station, in_maintenance=False)
    assert found[C1].status is S.NEEDS_MAINTENANCE
    assert found[STATION_LEVEL] == found[C1]
    assert found[C1].reason == "station Faulted"


def test_an_unavailable_evse_takes_only_its_own_connectors_out() -> None:
    station = a_station(
        a_connector(1, ConnectorStatus.AVAILABLE),
        a_connector(2, ConnectorStatus.AVAILABLE),
        evses=(Evse(EvseId(2), Availability(ConnectorStatus.UNAVAILABLE, None, T0)),),
    )
    found = assess(station, in_maintenance=False)
    assert (found[C1].status, found[C2].status) == (S.AVAILABLE, S.IN_MAINTENANCE)


def test_a_station_is_available_while_any_connector_is() -> None:
    station = a_station(
        a_connector(1, ConnectorStatus.FAULTED), a_connector(2, ConnectorStatus.AVAILABLE)
    )
    assert assess(station, in_maintenance=False)[STATION_LEVEL].status is S.AVAILABLE


def test_a_station_in_use_and_faulted_is_in_use() -> None:
    station = a_station(
        a_connector(1, ConnectorStatus.FAULTED), a_connector(2, ConnectorStatus.OCCUPIED)
    )
    assert assess(station, in_maintenance=False)[STATION_LEVEL].status is S.IN_USE


def test_a_connected_station_without_connectors_is_available() -> None:
    found = assess(a_station(), in_maintenance=False)
    assert list(found) == [STATION_LEVEL]
    assert found[STATION_LEVEL].status is S.AVAILABLE


def test_a_low_health_score_makes_a_working_station_and_its_connectors_need_maintenance() -> None:
    from laddnet.domain.maintenance.service_status import HEALTH_REASON, health_reason

    why = health_reason(62, 85)
    station = a_station(
        a_connector(1, ConnectorStatus.AVAILABLE),
        a_connector(2, ConnectorStatus.UNAVAILABLE),
    )
    found = assess(station, in_maintenance=False, health_low=why)
    assert found[STATION_LEVEL].status is S.NEEDS_MAINTENANCE
    assert found[STATION_LEVEL].reason == why == "health score 62 below 85"
    assert why.startswith(HEALTH_REASON)
    assert found[C1].status is S.NEEDS_MAINTENANCE
    assert found[C2].status is S.IN_MAINTENANCE  # taken out of service on purpose stays so
    # Offline or in maintenance mode wins over the prediction.
    offline = assess(replace(station, connected=False), in_maintenance=False, health_low=why)
    assert offline[STATION_LEVEL].status is S.OFFLINE
    resting = assess(station, in_maintenance=True, health_low=why)
    assert resting[STATION_LEVEL].status is S.IN_MAINTENANCE
    assert assess(station, in_maintenance=False)[STATION_LEVEL].status is S.AVAILABLE
