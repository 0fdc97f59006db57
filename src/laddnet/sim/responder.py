"""Schema-valid answers to the CALLs a CSMS sends to a station, for 1.6 and 2.0.1."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.sim import certificates, commands, frames, operations
from laddnet.sim.answers import ActionNotImplementedError, Answer, Handler, status
from laddnet.sim.state import EvseState

__all__ = ["ActionNotImplementedError", "Answer", "Handler", "Responder", "report_data"]

RO, RW, WO = "ReadOnly", "ReadWrite", "WriteOnly"


def _config_v16(evse_count: int) -> dict[str, list[str]]:
    return {
        "HeartbeatInterval": ["300", RW],
        "MeterValueSampleInterval": ["60", RW],
        "ClockAlignedDataInterval": ["0", RW],
        "MeterValuesSampledData": ["Energy.Active.Import.Register,Power.Active.Import", RW],
        "NumberOfConnectors": [str(evse_count), RO],
        "AuthorizeRemoteTxRequests": ["false", RW],
        "ConnectionTimeOut": ["60", RW],
        "TransactionMessageAttempts": ["3", RW],
        "TransactionMessageRetryInterval": ["60", RW],
        "WebSocketPingInterval": ["20", RW],
        "SupportedFeatureProfiles": ["Core,RemoteTrigger,SmartCharging", RO],
        "AuthorizationKey": ["", WO],
        "SecurityProfile": ["1", RW],
    }


def _variables_v201() -> dict[tuple[str, str], list[str]]:
    return {
        ("OCPPCommCtrlr", "HeartbeatInterval"): ["300", RW],
        ("OCPPCommCtrlr", "MessageAttempts"): ["3", RW],
        ("OCPPCommCtrlr", "MessageAttemptInterval"): ["60", RW],
        ("OCPPCommCtrlr", "OfflineThreshold"): ["60", RW],
        ("SampledDataCtrlr", "TxUpdatedInterval"): ["60", RW],
        ("SampledDataCtrlr", "TxUpdatedMeasurands"): ["Energy.Active.Import.Register", RW],
        ("AuthCtrlr", "AuthorizeRemoteStart"): ["false", RW],
        ("AuthCtrlr", "MasterPassGroupId"): ["", RW],  # C16: a token of this group stops all
        ("SecurityCtrlr", "SecurityProfile"): ["1", RO],
        ("SecurityCtrlr", "BasicAuthPassword"): ["", WO],
        ("OCPPCommCtrlr", "NetworkConfigurationPriority"): ["0", RW],
        ("DeviceDataCtrlr", "ItemsPerMessage"): ["50", RO],
        ("TariffCostCtrlr", "Enabled"): ["false", RW],  # true: it shows CostUpdated's cost
    }


class Responder:
    """Answers server CALLs from a small configuration store and the EVSE states."""

    def __init__(self, version: str, evses: Mapping[int, EvseState]) -> None:
        self.version = version
        self.evses = evses
        self.config = _config_v16(len(evses))
        self.variables = _variables_v201()
        self.table = V16 if version == "1.6" else V201
        self.signed_chains: list[str] = []  # CertificateSigned, newest last
        self.installed_certificates: list[tuple[str, str]] = []  # (certificateType, PEM)
        self.network_profiles: dict[int, dict[str, Any]] = {}  # SetNetworkProfile, by slot
        self.renewals_asked = 0  # trigger messages asking for a SignCertificate
        # A signed firmware update is answered this (e.g. InvalidCertificate) if set.
        self.signed_firmware_answer: str | None = None
        # What the station holds about customers (CustomerInformation reports and clears it),
        # by "token:<folded id token>", "customer:<identifier>" or "certificate:<serial>".
        self.customer_data: dict[str, str] = {}
        self.customer_information_answer: str | None = None  # e.g. Rejected, if set
        self.local_list_version = 0  # SendLocalList's version; 0: no list yet
        # The transaction ids of the messages waiting in the station's offline queue.
        self.queued_transaction_ids: Callable[[], list[str | None]] = _no_queue

    def answer(self, action: str, payload: dict[str, Any]) -> Answer:
        handler = self.table.get(action)
        if handler is None:
            raise ActionNotImplementedError(action)
        return handler(self, payload)

    def reply(
        self, message_id: str, action: str, payload: dict[str, Any]
    ) -> tuple[str, tuple[str, Any] | None]:
        """The frame answering a server CALL (a CALLERROR for an action we do not implement or
        a malformed payload), and the follow-up to send after it, if any."""
        try:
            answer = self.answer(action, payload)
        except ActionNotImplementedError:
            return frames.encode_error(message_id, "NotImplemented", action), None
        except (KeyError, TypeError, ValueError):
            code = "FormationViolation" if self.version == "1.6" else "FormatViolation"
            return frames.encode_error(message_id, code, "malformed payload"), None
        return frames.encode_result(message_id, answer.payload), answer.follow_up

    def settings(self) -> tuple[str | None, int | None]:
        """The basic-auth password and heartbeat interval the server has set, if any."""
        if self.version == "1.6":
            key = _key_password(self.config["AuthorizationKey"][0])
            interval = self.config["HeartbeatInterval"][0]
        else:
            key = self.variables[("SecurityCtrlr", "BasicAuthPassword")][0]
            interval = self.variables[("OCPPCommCtrlr", "HeartbeatInterval")][0]
        seconds = int(interval) if interval.isdigit() and int(interval) > 0 else None
        return key or None, seconds


def _key_password(value: str) -> str:
    """The password a 1.6 AuthorizationKey stands for: its hex digits decoded (security
    whitepaper); a value that is not hex for printable text is taken as it is."""
    try:
        decoded = bytes.fromhex(value).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return value
    return decoded if decoded.isprintable() and len(decoded) >= 16 else value


def _set_network_profile(r: Responder, p: dict[str, Any]) -> Answer:
    r.network_profiles[p["configurationSlot"]] = p["connectionData"]
    return Answer({"status": "Accepted"})


def _get_configuration(r: Responder, p: dict[str, Any]) -> Answer:
    keys = p.get("key") or [k for k, (_, m) in r.config.items() if m != WO]
    known, unknown = [], []
    for key in keys:
        entry = r.config.get(key)
        if entry is None or entry[1] == WO:
            unknown.append(key)
        else:
            known.append({"key": key, "readonly": entry[1] == RO, "value": entry[0]})
    result: dict[str, Any] = {"configurationKey": known}
    if unknown:
        result["unknownKey"] = unknown
    return Answer(result)


def _change_configuration(r: Responder, p: dict[str, Any]) -> Answer:
    entry = r.config.get(p["key"])
    if entry is None:
        return Answer({"status": "NotSupported"})
    if entry[1] == RO:
        return Answer({"status": "Rejected"})
    entry[0] = p["value"]
    return Answer({"status": "Accepted"})


BASE_V16: dict[str, Handler] = {
    "Reset": commands.reset_v16,
    "ChangeAvailability": commands.change_availability_v16,
    "UnlockConnector": commands.unlock_v16,
    "TriggerMessage": commands.trigger,
    "GetConfiguration": _get_configuration,
    "ChangeConfiguration": _change_configuration,
    "ExtendedTriggerMessage": commands.trigger,
    "RemoteStartTransaction": commands.remote_start_v16,
    "RemoteStopTransaction": commands.remote_stop,
    "DataTransfer": commands.data_transfer,
    "ClearCache": status("Accepted"),
    "SetChargingProfile": status("Accepted"),
    "ClearChargingProfile": status("Accepted"),
}


def _lookup(r: Responder, item: dict[str, Any]) -> tuple[list[str] | None, str]:
    component, variable = item["component"]["name"], item["variable"]["name"]
    if not any(c == component for c, _ in r.variables):
        return None, "UnknownComponent"
    entry = r.variables.get((component, variable))
    return entry, "Accepted" if entry is not None else "UnknownVariable"


def _get_variables(r: Responder, p: dict[str, Any]) -> Answer:
    results = []
    for item in p["getVariableData"]:
        entry, status = _lookup(r, item)
        if entry is not None and entry[1] == WO:
            status = "Rejected"
        result = {"attributeStatus": status, "component": item["component"]}
        result["variable"] = item["variable"]
        if status == "Accepted" and entry is not None:
            result["attributeValue"] = entry[0]
        results.append(result)
    return Answer({"getVariableResult": results})


def _set_variables(r: Responder, p: dict[str, Any]) -> Answer:
    results = []
    for item in p["setVariableData"]:
        entry, status = _lookup(r, item)
        if entry is not None and entry[1] == RO:
            status = "Rejected"
        elif entry is not None:
            entry[0] = item["attributeValue"]
        result = {"attributeStatus": status, "component": item["component"]}
        result["variable"] = item["variable"]
        results.append(result)
    return Answer({"setVariableResult": results})


def report_data(r: Responder, *, configuration_only: bool = False) -> list[dict[str, Any]]:
    """NotifyReport entries for every variable (write-only ones without a value); for a
    ConfigurationInventory only those an operator can set (not read-only)."""
    data = []
    for (component, variable), (value, mutability) in r.variables.items():
        if configuration_only and mutability == RO:
            continue
        attribute = {"type": "Actual", "mutability": mutability}
        if mutability != WO:
            attribute["value"] = value
        data.append(
            {
                "component": {"name": component},
                "variable": {"name": variable},
                "variableAttribute": [attribute],
            }
        )
    return data


def _get_transaction_status(r: Responder, p: dict[str, Any]) -> Answer:
    """2.0.1 E14: messagesInQueue for the transaction asked about (any, without an id);
    ongoingIndicator only for a transaction named."""
    queued = r.queued_transaction_ids()
    transaction_id = p.get("transactionId")
    if transaction_id is None:
        return Answer({"messagesInQueue": bool(queued)})
    ongoing = any(e.transaction_id == transaction_id for e in r.evses.values())
    return Answer({"ongoingIndicator": ongoing, "messagesInQueue": transaction_id in queued})


def _no_queue() -> list[str | None]:
    return []


BASE_V201: dict[str, Handler] = {
    "Reset": commands.reset_v201,
    "ChangeAvailability": commands.change_availability_v201,
    "UnlockConnector": commands.unlock_v201,
    "TriggerMessage": commands.trigger,
    "GetVariables": _get_variables,
    "SetVariables": _set_variables,
    "SetNetworkProfile": _set_network_profile,
    "GetBaseReport": lambda _r, p: Answer(
        {"status": "Accepted"}, ("NotifyReport", (p["requestId"], p["reportBase"]))
    ),
    "RequestStartTransaction": commands.remote_start_v201,
    "RequestStopTransaction": commands.remote_stop,
    "DataTransfer": commands.data_transfer,
    "ClearCache": status("Accepted"),
    "SetChargingProfile": status("Accepted"),
    "ClearChargingProfile": status("Accepted"),
    "GetTransactionStatus": _get_transaction_status,
    "CostUpdated": lambda _r, _p: Answer({}),  # the running cost (in received_calls)
}

# The operations commands (firmware, logs, local list, reservations) plug in here, from
# laddnet.sim.operations; their entries replace the base answers above.
V16: dict[str, Handler] = {**BASE_V16, **operations.V16, **certificates.V16}
V201: dict[str, Handler] = {**BASE_V201, **operations.V201, **certificates.V201}
