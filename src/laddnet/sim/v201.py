"""OCPP 2.0.1 payloads a station sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.sim.frames import iso
from laddnet.sim.meter import Reading, sampled_values_v201
from laddnet.sim.state import EvseState

# 1.6-style names (and 2.0.1's own) to 2.0.1 ConnectorStatusEnumType
STATUS_MAP: dict[str, str] = {
    "Available": "Available",
    "Occupied": "Occupied",
    "Preparing": "Occupied",
    "Charging": "Occupied",
    "SuspendedEV": "Occupied",
    "SuspendedEVSE": "Occupied",
    "Finishing": "Occupied",
    "Reserved": "Reserved",
    "Unavailable": "Unavailable",
    "Faulted": "Faulted",
}
STOPPED_REASONS = frozenset(
    {
        "DeAuthorized",
        "EmergencyStop",
        "EnergyLimitReached",
        "EVDisconnected",
        "GroundFault",
        "ImmediateReset",
        "Local",
        "LocalOutOfCredit",
        "MasterPass",
        "Other",
        "OvercurrentFault",
        "PowerLoss",
        "PowerQuality",
        "Reboot",
        "Remote",
        "SOCLimitReached",
        "StoppedByEV",
        "TimeLimitReached",
        "Timeout",
    }
)
# 1.6 stop reasons that 2.0.1 spells differently
_REASON_FROM_V16 = {"HardReset": "ImmediateReset", "SoftReset": "Reboot", "UnlockCommand": "Other"}
_TRIGGER_FOR_REASON = {
    "Local": "StopAuthorized",
    "DeAuthorized": "Deauthorized",
    "Remote": "RemoteStop",
    "EVDisconnected": "EVCommunicationLost",
    "EnergyLimitReached": "EnergyLimitReached",
    "TimeLimitReached": "TimeLimitReached",
    "ImmediateReset": "ResetCommand",
    "Reboot": "ResetCommand",
}


def id_token(tag: str) -> dict[str, Any]:
    return {"idToken": tag, "type": "ISO14443"}


def boot(station_id: str, vendor: str, model: str) -> dict[str, Any]:
    return {
        "chargingStation": {
            "model": model,
            "vendorName": vendor,
            "serialNumber": station_id[:25],
            "firmwareVersion": "1.0.0",
        },
        "reason": "PowerUp",
    }


def station_availability(value: str, ts: datetime) -> tuple[str, dict[str, Any]]:
    """The whole station's availability: a NotifyEvent of ChargingStation.AvailabilityState."""
    event = {
        "eventId": 1,
        "timestamp": iso(ts),
        "trigger": "Delta",
        "actualValue": STATUS_MAP[value],
        "eventNotificationType": "HardWiredNotification",
        "component": {"name": "ChargingStation"},
        "variable": {"name": "AvailabilityState"},
    }
    return "NotifyEvent", {"generatedAt": iso(ts), "seqNo": 0, "eventData": [event]}


def status(evse_id: int, value: str, ts: datetime) -> dict[str, Any]:
    try:
        mapped = STATUS_MAP[value]
    except KeyError:
        raise ValueError(f"no OCPP 2.0.1 connector status for {value}") from None
    return {
        "timestamp": iso(ts),
        "connectorStatus": mapped,
        "evseId": evse_id,
        "connectorId": 1,
    }


def authorize(tag: str) -> dict[str, Any]:
    return {"idToken": id_token(tag)}


def _event(
    evse: EvseState, event_type: str, trigger: str, ts: datetime, meter_value: list[Any]
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "eventType": event_type,
        "timestamp": iso(ts),
        "triggerReason": trigger,
        "seqNo": evse.seq_no,
        "transactionInfo": {"transactionId": evse.transaction_id, "chargingState": "Charging"},
        "meterValue": meter_value,
    }
    evse.seq_no += 1
    return payload


def start(evse: EvseState, ts: datetime) -> dict[str, Any]:
    begin = {
        "value": evse.meter_start_wh,
        "context": "Transaction.Begin",
        "measurand": "Energy.Active.Import.Register",
        "unitOfMeasure": {"unit": "Wh"},
    }
    mv = [{"timestamp": iso(ts), "sampledValue": [begin]}]
    trigger = "Authorized" if evse.remote_start_id is None else "RemoteStart"
    payload = _event(evse, "Started", trigger, ts, mv)
    if evse.remote_start_id is not None:
        payload["transactionInfo"]["remoteStartId"] = evse.remote_start_id
    payload["idToken"] = id_token(evse.id_tag)
    payload["evse"] = {"id": evse.evse_id, "connectorId": 1}
    return payload


def meter(evse: EvseState, r: Reading, ts: datetime) -> dict[str, Any]:
    mv = [{"timestamp": iso(ts), "sampledValue": sampled_values_v201(r)}]
    return _event(evse, "Updated", "MeterValuePeriodic", ts, mv)


def stop(evse: EvseState, r: Reading, ts: datetime, reason: str) -> dict[str, Any]:
    reason = _REASON_FROM_V16.get(reason, reason)
    if reason not in STOPPED_REASONS:
        raise ValueError(f"not an OCPP 2.0.1 stopped reason: {reason}")
    mv = [{"timestamp": iso(ts), "sampledValue": sampled_values_v201(r, "Transaction.End")}]
    payload = _event(evse, "Ended", _TRIGGER_FOR_REASON.get(reason, "AbnormalCondition"), ts, mv)
    payload["transactionInfo"].update(chargingState="EVConnected", stoppedReason=reason)
    payload["idToken"] = id_token(evse.id_tag)
    return payload
