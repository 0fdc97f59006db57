"""Version-neutral commands -> OCPP 2.0.1 CALLs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import InvalidInput
from laddnet.ocpp.v201.certificates import CERTIFICATES
from laddnet.ocpp.v201.operations import COMMANDS as OPERATIONS

Translate = Callable[[Mapping[str, Any]], OcppRequest]


def _evse(body: Mapping[str, Any]) -> dict[str, Any] | None:
    if body.get("evse_id") is None:
        if body.get("connector_id") is not None:
            raise InvalidInput("connector_id needs evse_id")
        return None
    evse: dict[str, Any] = {"id": body["evse_id"]}
    if body.get("connector_id") is not None:
        evse["connectorId"] = body["connector_id"]
    return evse


def _reset(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {"type": "Immediate" if body["type"] == "hard" else "OnIdle"}
    if body.get("evse_id"):
        payload["evseId"] = body["evse_id"]
    return OcppRequest("Reset", payload)


def _unlock(body: Mapping[str, Any]) -> OcppRequest:
    connector = body.get("connector_id") or 1
    return OcppRequest("UnlockConnector", {"evseId": body["evse_id"], "connectorId": connector})


def _availability(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {
        "operationalStatus": "Operative" if body["operative"] else "Inoperative"
    }
    evse = _evse(body)
    if evse is not None:
        payload["evse"] = evse
    return OcppRequest("ChangeAvailability", payload)


def _remote_start(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {
        "idToken": {"idToken": body["id_token"], "type": body.get("id_token_type") or "ISO14443"},
        "remoteStartId": body["remote_start_id"],
    }
    if body.get("evse_id"):
        payload["evseId"] = body["evse_id"]
    return OcppRequest("RequestStartTransaction", payload)


def _remote_stop(body: Mapping[str, Any]) -> OcppRequest:
    return OcppRequest("RequestStopTransaction", {"transactionId": str(body["transaction_id"])})


_TRIGGER_NAMES = {"DiagnosticsStatusNotification": "LogStatusNotification"}


def _trigger(body: Mapping[str, Any]) -> OcppRequest:
    message = body["message"]
    payload: dict[str, Any] = {"requestedMessage": _TRIGGER_NAMES.get(message, message)}
    if body.get("evse_id") is not None:
        payload["evse"] = {"id": body["evse_id"]}
    return OcppRequest("TriggerMessage", payload)


def _variable(key: str) -> dict[str, Any]:
    component, sep, variable = key.partition(".")
    if not sep or not component or not variable:
        raise InvalidInput(f"keys: {key!r}: name a 2.0.1 variable as Component.Variable")
    return {"component": {"name": component}, "variable": {"name": variable}}


def _get_configuration(body: Mapping[str, Any]) -> OcppRequest:
    keys = body.get("keys")
    if keys:
        return OcppRequest("GetVariables", {"getVariableData": [_variable(k) for k in keys]})
    report = body.get("report") or "FullInventory"
    payload = {"requestId": body["request_id"], "reportBase": report}
    return OcppRequest("GetBaseReport", payload)


def _set_configuration(body: Mapping[str, Any]) -> OcppRequest:
    several = body.get("variables")
    if several:
        items = [
            {
                "attributeValue": v["value"],
                "component": {"name": v["component"]},
                "variable": {"name": v["variable"]},
            }
            for v in several
        ]
        return OcppRequest("SetVariables", {"setVariableData": items})
    component, variable = body.get("component"), body.get("variable")
    if not component or not variable or body.get("key"):
        raise InvalidInput(
            "set-configuration on an OCPP 2.0.1 station takes component, variable and value"
            " (or variables)"
        )
    item = {
        "attributeValue": body["value"],
        "component": {"name": component},
        "variable": {"name": variable},
    }
    return OcppRequest("SetVariables", {"setVariableData": [item]})


def _data_transfer(body: Mapping[str, Any]) -> OcppRequest:
    payload: dict[str, Any] = {"vendorId": body["vendor_id"]}
    if body.get("message_id") is not None:
        payload["messageId"] = body["message_id"]
    if body.get("data") is not None:
        payload["data"] = body["data"]
    return OcppRequest("DataTransfer", payload)


def _get_transaction_status(body: Mapping[str, Any]) -> OcppRequest:
    transaction_id = body.get("transaction_id")
    payload = {} if transaction_id is None else {"transactionId": str(transaction_id)}
    return OcppRequest("GetTransactionStatus", payload)


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
    CommandName.GET_TRANSACTION_STATUS: _get_transaction_status,
    CommandName.GET_LOCAL_LIST_VERSION: lambda _body: OcppRequest("GetLocalListVersion", {}),
    **OPERATIONS,
    **CERTIFICATES,
}
