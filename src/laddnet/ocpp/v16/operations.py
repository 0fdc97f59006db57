"""Station operations as OCPP 1.6 CALLs: firmware, logs, reservations, local lists. Signed
firmware and security logs use the 1.6 security extension (SignedUpdateFirmware, GetLog)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import InvalidInput

Translate = Callable[[Mapping[str, Any]], OcppRequest]

_TOKEN_STATUS = {"Accepted": "Accepted", "Blocked": "Blocked", "Expired": "Expired"}
_TOKEN_STATUS["Invalid"] = "Invalid"


def _optional(payload: dict[str, Any], body: Mapping[str, Any], pairs: dict[str, str]) -> None:
    for ours, theirs in pairs.items():
        if body.get(ours) is not None:
            payload[theirs] = body[ours]


def _update_firmware(body: Mapping[str, Any]) -> OcppRequest:
    if body.get("signature") is None and body.get("signing_certificate") is None:
        if body.get("install_at") is not None:
            raise InvalidInput("install_at: OCPP 1.6 UpdateFirmware has no install time")
        payload = {"location": body["location"], "retrieveDate": body["retrieve_at"]}
        _optional(payload, body, {"retries": "retries", "retry_interval": "retryInterval"})
        return OcppRequest("UpdateFirmware", payload)
    if not body.get("signature") or not body.get("signing_certificate"):
        raise InvalidInput("signed firmware needs both signature and signing_certificate")
    firmware = {
        "location": body["location"],
        "retrieveDateTime": body["retrieve_at"],
        "signingCertificate": body["signing_certificate"],
        "signature": body["signature"],
    }
    _optional(firmware, body, {"install_at": "installDateTime"})
    signed: dict[str, Any] = {"requestId": body["request_id"], "firmware": firmware}
    _optional(signed, body, {"retries": "retries", "retry_interval": "retryInterval"})
    return OcppRequest("SignedUpdateFirmware", signed)


def _get_log(body: Mapping[str, Any]) -> OcppRequest:
    retry = {"retries": "retries", "retry_interval": "retryInterval"}
    if body["type"] == "diagnostics":
        payload: dict[str, Any] = {"location": body["location"]}
        _optional(payload, body, {"since": "startTime", "until": "stopTime", **retry})
        return OcppRequest("GetDiagnostics", payload)
    log: dict[str, Any] = {"remoteLocation": body["location"]}
    _optional(log, body, {"since": "oldestTimestamp", "until": "latestTimestamp"})
    payload = {"logType": "SecurityLog", "requestId": body["request_id"], "log": log}
    _optional(payload, body, retry)
    return OcppRequest("GetLog", payload)


def _reserve_now(body: Mapping[str, Any]) -> OcppRequest:
    payload = {
        "connectorId": int(body.get("evse_id") or 0),
        "expiryDate": body["expires_at"],
        "idTag": body["id_token"],
        "reservationId": body["reservation_id"],
    }
    return OcppRequest("ReserveNow", payload)


def _cancel_reservation(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("CancelReservation", {"reservationId": body["reservation_id"]})


def _authorization(token: Mapping[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"status": _TOKEN_STATUS[token["status"]]}
    _optional(info, token, {"expires_at": "expiryDate", "group": "parentIdTag"})
    return {"idTag": token["id_token"], "idTagInfo": info}


def _send_local_list(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {
        "listVersion": body["version"],
        "updateType": "Full" if body["update"] == "full" else "Differential",
    }
    tokens = body.get("tokens") or []
    if tokens:
        payload["localAuthorizationList"] = [_authorization(t) for t in tokens]
    return OcppRequest("SendLocalList", payload)


COMMANDS: dict[CommandName, Translate] = {
    CommandName.UPDATE_FIRMWARE: _update_firmware,
    CommandName.GET_LOG: _get_log,
    CommandName.RESERVE_NOW: _reserve_now,
    CommandName.CANCEL_RESERVATION: _cancel_reservation,
    CommandName.SEND_LOCAL_LIST: _send_local_list,
}
