"""2.0.1 NotifyEvent(AvailabilityState): a connector's status (errata 2023-12, use cases G01, H01),
an EVSE's or the whole station's availability."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from laddnet.domain.ids import EvseId, StationId
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    AvailabilityReport,
    ConnectorStatus,
    StatusReport,
)
from laddnet.ocpp import schemas
from laddnet.ocpp.errors import V201
from laddnet.ocpp.v201 import translate

STATION = StationId("CP-1")


def _event(
    event_id: int, component: dict[str, Any], variable: str, value: str, at: str
) -> dict[str, Any]:
    return {
        "eventId": event_id,
        "timestamp": at,
        "trigger": "Delta",
        "actualValue": value,
        "eventNotificationType": "HardWiredNotification",
        "component": component,
        "variable": {"name": variable},
    }


def _notify(*events: dict[str, Any]) -> dict[str, Any]:
    payload = {"generatedAt": "2026-11-26T08:00:00Z", "seqNo": 0, "eventData": list(events)}
    schemas.validate(V201, "NotifyEvent", payload)  # what the gateway checks first
    return payload


def test_a_connectors_availability_state_is_its_status() -> None:
    connector = {"name": "Connector", "evse": {"id": 2, "connectorId": 1}}
    payload = _notify(
        _event(1, connector, "AvailabilityState", "Faulted", "2026-11-26T07:59:58+01:00")
    )

    [report] = translate.availability_reports(STATION, payload)

    assert isinstance(report, StatusReport)
    assert (report.station_id, report.evse_id, report.connector_id) == (STATION, 2, 1)
    assert report.status is ConnectorStatus.FAULTED
    assert report.reported_at == datetime(2026, 11, 26, 6, 59, 58, tzinfo=UTC)
    assert report.charging_state is None


def test_an_evses_and_the_stations_availability_state_are_their_own() -> None:
    at = "2026-11-26T08:00:00Z"
    payload = _notify(
        _event(1, {"name": "EVSE", "evse": {"id": 2}}, "AvailabilityState", "Occupied", at),
        _event(2, {"name": "ChargingStation"}, "AvailabilityState", "Unavailable", at),
        _event(3, {"name": "EVSE"}, "AvailabilityState", "Faulted", at),
        _event(4, {"name": "EVSE", "evse": {"id": 0}}, "AvailabilityState", "Faulted", at),
        _event(5, {"name": "EVSE", "evse": {"id": 1}}, "AvailabilityState", "Broken", at),
    )

    reports = translate.availability_reports(STATION, payload)

    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert reports == [
        AvailabilityReport(STATION, EvseId(2), ConnectorStatus.OCCUPIED, None, when),
        AvailabilityReport(STATION, WHOLE_STATION, ConnectorStatus.UNAVAILABLE, None, when),
    ]


def test_connector_availability_needs_both_ids_and_a_known_value() -> None:
    at = "2026-11-26T08:00:00Z"
    payload = _notify(
        _event(3, {"name": "Connector", "evse": {"id": 1}}, "AvailabilityState", "Faulted", at),
        _event(4, {"name": "Connector"}, "AvailabilityState", "Faulted", at),
        _event(5, {"name": "Connector", "evse": {"id": 1, "connectorId": 1}}, "Enabled", "1", at),
        _event(
            6,
            {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
            "AvailabilityState",
            "?",
            at,
        ),
        _event(
            7,
            {"name": "Connector", "evse": {"id": 1, "connectorId": 2}},
            "AvailabilityState",
            "Reserved",
            at,
        ),
        _event(
            8,
            {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
            "AvailabilityState",
            "Available",
            at,
        ),
    )

    reports = translate.availability_reports(STATION, payload)

    assert all(isinstance(r, StatusReport) for r in reports)
    assert [(r.evse_id, getattr(r, "connector_id", None), r.status) for r in reports] == [
        (1, 2, ConnectorStatus.RESERVED),
        (1, 1, ConnectorStatus.AVAILABLE),
    ]
