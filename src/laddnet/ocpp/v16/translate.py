"""1.6 payloads ↔ version-neutral commands and results. Mapping tables, no business logic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.authorization.model import AuthorizationDecision, AuthorizationStatus
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.sessions.commands import RecordMeterValues, StartSession, StopSession
from laddnet.domain.sessions.meter import parse_decimal
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from laddnet.domain.sessions.signed import SignedReading
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    AvailabilityReport,
    ChargingState,
    ConnectorStatus,
    StationInfo,
    StatusReport,
)
from laddnet.ocpp.common import format_time, meter_sample, parse_time

VERSION = "1.6"

STATUS: dict[str, tuple[ConnectorStatus, ChargingState | None]] = {
    "Available": (ConnectorStatus.AVAILABLE, ChargingState.IDLE),
    "Preparing": (ConnectorStatus.OCCUPIED, ChargingState.EV_CONNECTED),
    "Charging": (ConnectorStatus.OCCUPIED, ChargingState.CHARGING),
    "SuspendedEV": (ConnectorStatus.OCCUPIED, ChargingState.SUSPENDED_EV),
    "SuspendedEVSE": (ConnectorStatus.OCCUPIED, ChargingState.SUSPENDED_EVSE),
    "Finishing": (ConnectorStatus.OCCUPIED, ChargingState.EV_CONNECTED),
    "Reserved": (ConnectorStatus.RESERVED, ChargingState.IDLE),
    "Unavailable": (ConnectorStatus.UNAVAILABLE, ChargingState.IDLE),
    "Faulted": (ConnectorStatus.FAULTED, None),
}

AUTHORIZATION: dict[AuthorizationStatus, str] = {
    AuthorizationStatus.ACCEPTED: "Accepted",
    AuthorizationStatus.BLOCKED: "Blocked",
    AuthorizationStatus.EXPIRED: "Expired",
    AuthorizationStatus.INVALID: "Invalid",
}


def evse_and_connector(connector_id: int) -> tuple[EvseId, ConnectorId]:
    if connector_id == 0:
        return EvseId(0), ConnectorId(0)
    return EvseId(connector_id), ConnectorId(1)


def station_info(payload: dict[str, Any]) -> StationInfo:
    return StationInfo(
        vendor=payload["chargePointVendor"],
        model=payload["chargePointModel"],
        serial_number=payload.get("chargePointSerialNumber")
        or payload.get("chargeBoxSerialNumber"),
        firmware_version=payload.get("firmwareVersion"),
    )


def status_report(
    station_id: StationId, payload: dict[str, Any], now: datetime
) -> StatusReport | AvailabilityReport:
    """A connector's status, or for connectorId 0 the whole charge point's availability."""
    status, charging = STATUS[payload["status"]]
    error = payload.get("errorCode")
    error = None if error in (None, "NoError") else error
    stamp = payload.get("timestamp")
    reported_at = parse_time(stamp) if stamp else now
    vendor = {
        "vendor_id": payload.get("vendorId"),
        "vendor_error_code": payload.get("vendorErrorCode"),
        "info": payload.get("info"),
    }
    if payload["connectorId"] == 0:
        return AvailabilityReport(station_id, WHOLE_STATION, status, error, reported_at, **vendor)
    evse, connector = evse_and_connector(payload["connectorId"])
    return StatusReport(
        station_id=station_id,
        evse_id=evse,
        connector_id=connector,
        status=status,
        charging_state=charging,
        error_code=error,
        reported_at=reported_at,
        **vendor,
    )


def id_tag_info(decision: AuthorizationDecision) -> dict[str, Any]:
    info: dict[str, Any] = {"status": AUTHORIZATION[decision.status]}
    if decision.expires_at is not None:
        info["expiryDate"] = format_time(decision.expires_at)
    if decision.group:
        info["parentIdTag"] = decision.group[:20]
    return info


def samples(meter_values: list[dict[str, Any]]) -> tuple[MeterSample, ...]:
    out: list[MeterSample] = []
    for meter_value in meter_values:
        at = parse_time(meter_value["timestamp"])
        for sampled in meter_value["sampledValue"]:
            if sampled.get("format") == "SignedData":
                continue  # signed blobs are evidence, not numbers: see `signed` below
            sample = meter_sample(at, sampled, sampled.get("unit"))
            if sample is not None:
                out.append(sample)
    return tuple(out)


def signed(meter_values: list[dict[str, Any]]) -> tuple[SignedReading, ...]:
    """The SignedData sampled values, their value kept exactly as sent."""
    return tuple(
        SignedReading(
            parse_time(mv["timestamp"]),
            s.get("measurand", ENERGY_REGISTER),
            s.get("context") or "",
            s["value"],
        )
        for mv in meter_values
        for s in mv["sampledValue"]
        if s.get("format") == "SignedData"
    )


def start_session(station_id: StationId, payload: dict[str, Any]) -> StartSession:
    evse, connector = evse_and_connector(payload["connectorId"])
    return StartSession(
        station_id=station_id,
        evse_id=evse,
        connector_id=connector,
        id_token=payload["idTag"],
        meter_start_wh=parse_decimal(payload["meterStart"]),
        started_at=parse_time(payload["timestamp"]),
        ocpp_version=VERSION,
    )


def stop_session(station_id: StationId, payload: dict[str, Any]) -> StopSession:
    return StopSession(
        station_id=station_id,
        session_id=payload["transactionId"],
        id_token=payload.get("idTag"),
        meter_stop_wh=parse_decimal(payload["meterStop"]),
        stopped_at=parse_time(payload["timestamp"]),
        reason=payload.get("reason", "Local"),
        samples=samples(payload.get("transactionData", [])),
        signed=signed(payload.get("transactionData", [])),
    )


def meter_values(station_id: StationId, payload: dict[str, Any]) -> RecordMeterValues:
    evse, _ = evse_and_connector(payload["connectorId"])
    return RecordMeterValues(
        station_id=station_id,
        evse_id=evse,
        session_id=payload.get("transactionId"),
        transaction_ref=None,
        samples=samples(payload["meterValue"]),
        signed=signed(payload["meterValue"]),
    )
