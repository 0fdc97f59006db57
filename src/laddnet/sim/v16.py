"""OCPP 1.6J payloads a station sends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.sim.frames import iso
from laddnet.sim.meter import Reading, sampled_values_v16
from laddnet.sim.state import EvseState

STATUSES = frozenset(
    {
        "Available",
        "Preparing",
        "Charging",
        "SuspendedEV",
        "SuspendedEVSE",
        "Finishing",
        "Reserved",
        "Unavailable",
        "Faulted",
    }
)
STOP_REASONS = frozenset(
    {
        "EmergencyStop",
        "EVDisconnected",
        "HardReset",
        "Local",
        "Other",
        "PowerLoss",
        "Reboot",
        "Remote",
        "SoftReset",
        "UnlockCommand",
        "DeAuthorized",
    }
)


def boot(station_id: str, vendor: str, model: str) -> dict[str, Any]:
    return {
        "chargePointVendor": vendor,
        "chargePointModel": model,
        "chargePointSerialNumber": station_id[:25],
        "firmwareVersion": "1.0.0",
    }


def status(evse_id: int, value: str, ts: datetime) -> dict[str, Any]:
    if value not in STATUSES:
        raise ValueError(f"not an OCPP 1.6 status: {value}")
    error = "OtherError" if value == "Faulted" else "NoError"
    return {"connectorId": evse_id, "errorCode": error, "status": value, "timestamp": iso(ts)}


def station_availability(value: str, ts: datetime) -> tuple[str, dict[str, Any]]:
    """The whole charge point's availability: a StatusNotification for connector 0."""
    return "StatusNotification", status(0, value, ts)


def authorize(id_tag: str) -> dict[str, Any]:
    return {"idTag": id_tag}


def start(evse: EvseState, ts: datetime) -> dict[str, Any]:
    return {
        "connectorId": evse.evse_id,
        "idTag": evse.id_tag,
        "meterStart": evse.meter_start_wh,
        "timestamp": iso(ts),
    }


def meter(evse: EvseState, r: Reading, ts: datetime) -> dict[str, Any]:
    # transactionId is filled in at send time (see QueuedMessage)
    return {
        "connectorId": evse.evse_id,
        "meterValue": [{"timestamp": iso(ts), "sampledValue": sampled_values_v16(r)}],
    }


def stop(evse: EvseState, r: Reading, ts: datetime, reason: str) -> dict[str, Any]:
    if reason not in STOP_REASONS:
        raise ValueError(f"not an OCPP 1.6 stop reason: {reason}")
    begin = {
        "value": str(evse.meter_start_wh),
        "context": "Transaction.Begin",
        "measurand": "Energy.Active.Import.Register",
        "unit": "Wh",
    }
    return {
        "idTag": evse.id_tag,
        "meterStop": r.energy_wh,
        "timestamp": iso(ts),
        "reason": reason,
        "transactionData": [
            {"timestamp": iso(evse.started_at or ts), "sampledValue": [begin]},
            {"timestamp": iso(ts), "sampledValue": sampled_values_v16(r, "Transaction.End")},
        ],
    }
