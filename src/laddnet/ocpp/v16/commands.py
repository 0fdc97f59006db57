"""Version-neutral commands -> OCPP 1.6 CALLs. A 1.6 connectorId N is EVSE N, connector 1."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import InvalidInput
from laddnet.ocpp.v16.certificates import CERTIFICATES
from laddnet.ocpp.v16.operations import COMMANDS as OPERATIONS

Translate = Callable[[Mapping[str, Any]], OcppRequest]


def _connector(body: Mapping[str, Any]) -> int:
    """1.6 knows one connector per EVSE: connector_id, if given, must be 1."""
    connector = body.get("connector_id")
    if connector not in (None, 1):
        raise InvalidInput("connector_id: OCPP 1.6 stations have one connector per EVSE (1)")
    return int(body.get("evse_id") or 0)


def _reset(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("Reset", {"type": "Hard" if body["type"] == "hard" else "Soft"})


def _unlock(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("UnlockConnector", {"connectorId": _connector(body)})


def _availability(body: Mapping[str, Any]) -> OcppRequest:
    kind = "Operative" if body["operative"] else "Inoperative"
    return OcppRequest("ChangeAvailability", {"connectorId": _connector(body), "type": kind})


def _remote_start(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {"idTag": body["id_token"]}
    if body.get("evse_id"):
        payload["connectorId"] = body["evse_id"]
    return OcppRequest("RemoteStartTransaction", payload)


def _remote_stop(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("RemoteStopTransaction", {"transactionId": int(body["transaction_id"])})


# 2.0.1's name for the log upload status is 1.6's diagnostics status.
_TRIGGER_NAMES = {"LogStatusNotification": "DiagnosticsStatusNotification"}


def _trigger(body: Mapping[str, Any]) -> OcppRequest:
    message = body["message"]
    payload: dict[str, Any] = {"requestedMessage": _TRIGGER_NAMES.get(message, message)}
    if body.get("evse_id") is not None:
        payload["connectorId"] = body["evse_id"]
    return OcppRequest("TriggerMessage", payload)


def _get_configuration(body: Mapping[str, Any]) -> OcppRequest:
    if body.get("report") is not None:
        raise InvalidInput("report: base reports are OCPP 2.0.1 (1.6: give keys, or none)")
    keys = body.get("keys")
    return OcppRequest("GetConfiguration", {"key": list(keys)} if keys else {})


def _set_configuration(body: Mapping[str, Any]) -> OcppRequest:
    if (
        not body.get("key")
        or body.get("component")
        or body.get("variable")
        or body.get("variables")
    ):
        raise InvalidInput("set-configuration on an OCPP 1.6 station takes key and value")
    return OcppRequest("ChangeConfiguration", {"key": body["key"], "value": body["value"]})


def _data_transfer(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {"vendorId": body["vendor_id"]}
    if body.get("message_id") is not None:
        payload["messageId"] = body["message_id"]
    data = body.get("data")
    if data is not None:
        payload["data"] = data if isinstance(data, str) else _json_text(data)
    return OcppRequest("DataTransfer", payload)


def _json_text(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


COMMANDS: dict[CommandName, Translate] = {
    CommandName.RESET: _reset,
    CommandName.UNLOCK_CONNECTOR: _unlock,
    CommandName.CHANGE_AVAILABILITY: _availability,
    CommandName.REMOTE_START: _remote_start,
    CommandName.REMOTE_STOP: _remote_stop,
    CommandName.TRIGGER_MESSAGE: _trigger,
    CommandName.CLEAR_CACHE: lambda _body: OcppRequest("ClearCache", {}),
    CommandName.GET_CONFIGURATION: _get_configuration,
    CommandName.SET_CONFIGURATION: _set_configuration,
    CommandName.DATA_TRANSFER: _data_transfer,
    CommandName.GET_LOCAL_LIST_VERSION: lambda _body: OcppRequest("GetLocalListVersion", {}),
    **OPERATIONS,
    **CERTIFICATES,
}
