"""Station operations as OCPP 2.0.1 CALLs: firmware, logs, reservations, local lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import InvalidInput

Translate = Callable[[Mapping[str, Any]], OcppRequest]

LOG_TYPES = {"diagnostics": "DiagnosticsLog", "security": "SecurityLog"}
UPDATE_TYPES = {"full": "Full", "differential": "Differential"}


def _optional(payload: dict[str, Any], body: Mapping[str, Any], pairs: dict[str, str]) -> None:
    for ours, theirs in pairs.items():
        if body.get(ours) is not None:
            payload[theirs] = body[ours]


def _update_firmware(body: Mapping[str, Any]) -> OcppRequest:
    if (body.get("signature") is None) != (body.get("signing_certificate") is None):
        raise InvalidInput("signed firmware needs both signature and signing_certificate")
    firmware = {"location": body["location"], "retrieveDateTime": body["retrieve_at"]}
    _optional(
        firmware,
        body,
        {
            "install_at": "installDateTime",
            "signing_certificate": "signingCertificate",
            "signature": "signature",
        },
    )
    payload: dict[str, Any] = {"requestId": body["request_id"], "firmware": firmware}
    _optional(payload, body, {"retries": "retries", "retry_interval": "retryInterval"})
    return OcppRequest("UpdateFirmware", payload)


def _get_log(body: Mapping[str, Any]) -> OcppRequest:
    log: dict[str, Any] = {"remoteLocation": body["location"]}
    _optional(log, body, {"since": "oldestTimestamp", "until": "latestTimestamp"})
    payload = {"logType": LOG_TYPES[body["type"]], "requestId": body["request_id"], "log": log}
    _optional(payload, body, {"retries": "retries", "retry_interval": "retryInterval"})
    return OcppRequest("GetLog", payload)


def _id_token(body: Mapping[str, Any]) -> dict[str, Any]:
    return {"idToken": body["id_token"], "type": body.get("id_token_type") or "ISO14443"}


def _reserve_now(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {
        "id": body["reservation_id"],
        "expiryDateTime": body["expires_at"],
        "idToken": _id_token(body),
    }
    if body.get("evse_id"):
        payload["evseId"] = body["evse_id"]
    return OcppRequest("ReserveNow", payload)


def _cancel_reservation(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("CancelReservation", {"reservationId": body["reservation_id"]})


def _authorization(token: Mapping[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"status": token["status"]}
    _optional(info, token, {"expires_at": "cacheExpiryDateTime"})
    if token.get("group"):
        info["groupIdToken"] = {"idToken": token["group"], "type": "Central"}
    return {"idToken": _id_token(token), "idTokenInfo": info}


def _send_local_list(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {
        "versionNumber": body["version"],
        "updateType": UPDATE_TYPES[body["update"]],
    }
    tokens = body.get("tokens") or []
    if tokens:
        payload["localAuthorizationList"] = [_authorization(t) for t in tokens]
    return OcppRequest("SendLocalList", payload)


def _customer_information(body: Mapping[str, Any]) -> OcppRequest:
    """Report and/or clear what the station holds about one customer: an id token, a customer
    certificate (its hash data) or a customer identifier (the API checks exactly one)."""
    payload: dict[str, Any] = {
        "requestId": body["request_id"],
        "report": bool(body.get("report", True)),
        "clear": bool(body.get("clear", False)),
    }
    if body.get("id_token") is not None:
        payload["idToken"] = _id_token(body)
    if body.get("customer_identifier") is not None:
        payload["customerIdentifier"] = body["customer_identifier"]
    certificate = body.get("customer_certificate")
    if certificate is not None:
        payload["customerCertificate"] = {
            "hashAlgorithm": certificate["hash_algorithm"],
            "issuerNameHash": certificate["issuer_name_hash"],
            "issuerKeyHash": certificate["issuer_key_hash"],
            "serialNumber": certificate["serial_number"],
        }
    return OcppRequest("CustomerInformation", payload)


COMMANDS: dict[CommandName, Translate] = {
    CommandName.UPDATE_FIRMWARE: _update_firmware,
    CommandName.GET_LOG: _get_log,
    CommandName.RESERVE_NOW: _reserve_now,
    CommandName.CANCEL_RESERVATION: _cancel_reservation,
    CommandName.SEND_LOCAL_LIST: _send_local_list,
    CommandName.CUSTOMER_INFORMATION: _customer_information,
}
