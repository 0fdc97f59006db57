"""2.0.1 payloads ↔ version-neutral commands and results. Mapping tables, no business logic."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from laddnet.domain.authorization.model import AuthorizationDecision, AuthorizationStatus
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.sessions.commands import EventType, RecordMeterValues, RecordTransactionEvent
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

VERSION = "2.0.1"

STATUS: dict[str, ConnectorStatus] = {status.value: status for status in ConnectorStatus}

EVENT_TYPES: dict[str, EventType] = {
    "Started": EventType.STARTED,
    "Updated": EventType.UPDATED,
    "Ended": EventType.ENDED,
}

AUTHORIZATION: dict[AuthorizationStatus, str] = {
    AuthorizationStatus.ACCEPTED: "Accepted",
    AuthorizationStatus.BLOCKED: "Blocked",
    AuthorizationStatus.EXPIRED: "Expired",
    AuthorizationStatus.INVALID: "Invalid",
}


def station_info(payload: dict[str, Any]) -> StationInfo:
    station = payload["chargingStation"]
    return StationInfo(
        vendor=station["vendorName"],
        model=station["model"],
        serial_number=station.get("serialNumber"),
        firmware_version=station.get("firmwareVersion"),
    )


def status_report(station_id: StationId, payload: dict[str, Any]) -> StatusReport:
    return StatusReport(
        station_id=station_id,
        evse_id=EvseId(payload["evseId"]),
        connector_id=ConnectorId(payload["connectorId"]),
        status=STATUS[payload["connectorStatus"]],
        charging_state=None,
        error_code=None,
        reported_at=parse_time(payload["timestamp"]),
    )


def availability_reports(
    station_id: StationId, payload: dict[str, Any]
) -> list[StatusReport | AvailabilityReport]:
    """The availability states a NotifyEvent reports (variable AvailabilityState): of a
    Connector (the 2.0.1 errata allow it instead of a StatusNotification), of an EVSE, or of the
    ChargingStation as a whole. Events about other components or variables, a connector or EVSE
    without its ids, or a value that is no connector status carry none."""
    reports: list[StatusReport | AvailabilityReport] = []
    for event in payload["eventData"]:
        component, variable = event["component"], event["variable"]
        status = STATUS.get(event["actualValue"])
        if variable["name"] != "AvailabilityState" or status is None:
            continue
        evse = component.get("evse") or {}
        at = parse_time(event["timestamp"])
        name = component["name"]
        # techCode and techInfo are the vendor's own words about the event: history only.
        # techInfo may be 500 characters; the history keeps 255.
        info = event.get("techInfo")
        tech = {"vendor_error_code": event.get("techCode"), "info": info[:255] if info else None}
        if name == "Connector" and "connectorId" in evse:
            connector = ConnectorId(evse["connectorId"])
            reports.append(
                StatusReport(
                    station_id, EvseId(evse["id"]), connector, status, None, None, at, **tech
                )
            )
        elif name == "EVSE" and evse.get("id", 0) > 0:
            evse_id = EvseId(evse["id"])
            reports.append(AvailabilityReport(station_id, evse_id, status, None, at, **tech))
        elif name == "ChargingStation":
            reports.append(AvailabilityReport(station_id, WHOLE_STATION, status, None, at, **tech))
    return reports


def id_token_info(decision: AuthorizationDecision) -> dict[str, Any]:
    info: dict[str, Any] = {"status": AUTHORIZATION[decision.status]}
    if decision.expires_at is not None:
        info["cacheExpiryDateTime"] = format_time(decision.expires_at)
    if decision.group:
        info["groupIdToken"] = {"idToken": decision.group[:36], "type": "Central"}
    return info


def samples(meter_values: list[dict[str, Any]]) -> tuple[MeterSample, ...]:
    out: list[MeterSample] = []
    for meter_value in meter_values:
        at = parse_time(meter_value["timestamp"])
        for sampled in meter_value["sampledValue"]:
            unit_of_measure = sampled.get("unitOfMeasure", {})
            sample = meter_sample(
                at, sampled, unit_of_measure.get("unit"), unit_of_measure.get("multiplier", 0)
            )
            if sample is not None:
                out.append(sample)
    return tuple(out)


def signed(meter_values: list[dict[str, Any]]) -> tuple[SignedReading, ...]:
    """The signed meter values, their fields kept exactly as sent."""
    out = []
    for mv in meter_values:
        for s in mv["sampledValue"]:
            smv = s.get("signedMeterValue")
            if smv is not None:
                out.append(
                    SignedReading(
                        parse_time(mv["timestamp"]),
                        s.get("measurand", ENERGY_REGISTER),
                        s.get("context") or "",
                        smv["signedMeterData"],
                        smv.get("signingMethod"),
                        smv.get("encodingMethod"),
                        smv.get("publicKey"),
                    )
                )
    return tuple(out)


def transaction_event(station_id: StationId, payload: dict[str, Any]) -> RecordTransactionEvent:
    info = payload["transactionInfo"]
    evse = payload.get("evse") or {}
    token = payload.get("idToken") or {}
    return RecordTransactionEvent(
        station_id=station_id,
        transaction_ref=info["transactionId"],
        seq_no=payload["seqNo"],
        event_type=EVENT_TYPES[payload["eventType"]],
        trigger_reason=payload.get("triggerReason"),
        occurred_at=parse_time(payload["timestamp"]),
        evse_id=evse.get("id"),
        connector_id=evse.get("connectorId"),
        id_token=token.get("idToken") or None,
        stopped_reason=info.get("stoppedReason"),
        ocpp_version=VERSION,
        samples=samples(payload.get("meterValue", [])),
        charging_state=_charging_state(payload),
        signed=signed(payload.get("meterValue", [])),
    )


def _charging_state(payload: dict[str, Any]) -> ChargingState | None:
    """The charging state when it may have changed: with a start, an end, or an update whose
    triggerReason is ChargingStateChanged (how a station announces a change, see the test cases
    in part 6); periodic updates only repeat it, and are not read for it."""
    state = payload["transactionInfo"].get("chargingState")
    trigger = payload["triggerReason"]
    changes = payload["eventType"] != "Updated" or trigger == "ChargingStateChanged"
    return ChargingState(state) if state is not None and changes else None


def meter_values(station_id: StationId, payload: dict[str, Any]) -> RecordMeterValues:
    return RecordMeterValues(
        station_id=station_id,
        evse_id=payload["evseId"],
        session_id=None,
        transaction_ref=None,
        samples=samples(payload["meterValue"]),
        signed=signed(payload["meterValue"]),
    )


def reported_at(payload: dict[str, Any], now: datetime) -> datetime:
    stamp = payload.get("generatedAt") or payload.get("timestamp")
    return parse_time(stamp) if isinstance(stamp, str) else now


def total_cost(amount: Decimal) -> float:
    """OCPP's decimal as JSON: a number. An amount in minor units (two decimals) has an exact
    shortest repr, so the station reads the same digits the CDR holds."""
    return float(amount)
