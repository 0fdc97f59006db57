"""How the simulated station answers the CSMS's commands, for 1.6 and 2.0.1.

A handler decides the answer at once from the EVSE states (claiming an EVSE where the answer
promises one) and names the follow-up that `laddnet.sim.effects` carries out after the answer
has been sent: a reboot, a session started or stopped, a status reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from laddnet.sim.answers import Answer
from laddnet.sim.state import EvseState

if TYPE_CHECKING:
    from laddnet.sim.responder import Responder

TRIGGERABLE = ("BootNotification", "Heartbeat", "StatusNotification", "MeterValues")
KNOWN_VENDORS = frozenset({"Laddnet"})


def _busy(r: Responder, evse_id: int | None = None) -> list[EvseState]:
    return [
        e
        for e in r.evses.values()
        if e.tx_ref is not None and (evse_id is None or e.evse_id == evse_id)
    ]


# -- Reset --------------------------------------------------------------------------------------


def reset_v16(r: Responder, p: dict[str, Any]) -> Answer:
    """1.6 §5.14: stop every transaction (reason SoftReset/HardReset), then reboot."""
    reason = "SoftReset" if p["type"] == "Soft" else "HardReset"
    return Answer({"status": "Accepted"}, ("Reboot", (reason, None)))


def reset_v201(r: Responder, p: dict[str, Any]) -> Answer:
    """2.0.1 B11/B12: Immediate ends transactions and reboots; OnIdle with a transaction
    running is Scheduled and happens when the last one ends (TC_B_21_CS)."""
    evse_id = p.get("evseId")
    if evse_id is not None and evse_id not in r.evses:
        return Answer({"status": "Rejected"})
    if p["type"] == "OnIdle" and _busy(r, evse_id):
        return Answer({"status": "Scheduled"}, ("ScheduleReboot", ("Reboot", evse_id)))
    reason = "ImmediateReset" if p["type"] == "Immediate" else "Reboot"
    return Answer({"status": "Accepted"}, ("Reboot", (reason, evse_id)))


# -- ChangeAvailability -------------------------------------------------------------------------


def _change_availability(r: Responder, evse_id: int | None, operative: bool) -> Answer:
    if evse_id is not None and evse_id not in r.evses:
        return Answer({"status": "Rejected"})
    targets = list(r.evses.values()) if evse_id is None else [r.evses[evse_id]]
    scheduled = False
    for evse in targets:
        if evse.tx_ref is not None and evse.operative != operative:
            evse.scheduled_operative, scheduled = operative, True
        else:
            evse.operative, evse.scheduled_operative = operative, None
    status = "Scheduled" if scheduled else "Accepted"
    return Answer({"status": status}, ("ReportAvailability", (evse_id, operative)))


def change_availability_v16(r: Responder, p: dict[str, Any]) -> Answer:
    evse_id = p["connectorId"] or None  # connector 0: the whole charge point
    return _change_availability(r, evse_id, p["type"] == "Operative")


def change_availability_v201(r: Responder, p: dict[str, Any]) -> Answer:
    evse = p.get("evse") or {}
    if evse.get("connectorId") not in (None, 1):
        return Answer({"status": "Rejected"})
    return _change_availability(r, evse.get("id") or None, p["operationalStatus"] == "Operative")


# -- UnlockConnector ----------------------------------------------------------------------------


def unlock_v16(r: Responder, p: dict[str, Any]) -> Answer:
    """1.6 §5.18: a transaction on the connector is finished (reason UnlockCommand)."""
    evse_id = p["connectorId"]
    if evse_id not in r.evses:
        return Answer({"status": "NotSupported"})
    if _busy(r, evse_id):
        return Answer({"status": "Unlocked"}, ("StopSession", (evse_id, "UnlockCommand")))
    return Answer({"status": "Unlocked"})


def unlock_v201(r: Responder, p: dict[str, Any]) -> Answer:
    """2.0.1 F05.FR.02: a connector with a transaction is not unlocked."""
    if p["evseId"] not in r.evses or p["connectorId"] != 1:
        return Answer({"status": "UnknownConnector"})
    if _busy(r, p["evseId"]):
        return Answer({"status": "OngoingAuthorizedTransaction"})
    return Answer({"status": "Unlocked"})


# -- Remote start / stop ------------------------------------------------------------------------


def _remote_start(r: Responder, evse_id: int | None, tag: str, remote_id: int | None) -> Answer:
    """No Authorize first (AuthorizeRemoteTxRequests / AuthorizeRemoteStart are false)."""
    if evse_id is not None:
        evse = r.evses.get(evse_id)
        candidates = [evse] if evse is not None else []
    else:
        candidates = list(r.evses.values())
    evse = next((e for e in candidates if e.free), None)
    if evse is None:
        return Answer({"status": "Rejected"})
    evse.status = "Preparing"  # claimed: nothing else starts here meanwhile
    return Answer({"status": "Accepted"}, ("StartSession", (evse.evse_id, tag, remote_id)))


def remote_start_v16(r: Responder, p: dict[str, Any]) -> Answer:
    return _remote_start(r, p.get("connectorId"), p["idTag"], None)


def remote_start_v201(r: Responder, p: dict[str, Any]) -> Answer:
    return _remote_start(r, p.get("evseId"), p["idToken"]["idToken"], p["remoteStartId"])


def remote_stop(r: Responder, p: dict[str, Any]) -> Answer:
    wanted = str(p["transactionId"])
    evse = next((e for e in r.evses.values() if e.transaction_id == wanted), None)
    if evse is None or evse.tx_ref is None:
        return Answer({"status": "Rejected"})
    return Answer({"status": "Accepted"}, ("StopSession", (evse.evse_id, "Remote")))


# -- TriggerMessage, DataTransfer ---------------------------------------------------------------


# TriggerMessage (2.0.1) / ExtendedTriggerMessage (1.6) asking for a new station certificate.
SIGN_CERTIFICATE = frozenset({"SignChargingStationCertificate", "SignChargePointCertificate"})


def trigger(r: Responder, p: dict[str, Any]) -> Answer:
    requested = p["requestedMessage"]
    if requested in SIGN_CERTIFICATE:  # asked to renew: the station's firmware makes a CSR
        r.renewals_asked += 1
        return Answer({"status": "Accepted"})
    if requested not in TRIGGERABLE:
        return Answer({"status": "NotImplemented"})
    target = p.get("connectorId") if r.version == "1.6" else (p.get("evse") or {}).get("id")
    if target and target not in r.evses:
        return Answer({"status": "Rejected"})
    return Answer({"status": "Accepted"}, (requested, target or None))


def data_transfer(r: Responder, p: dict[str, Any]) -> Answer:
    if p["vendorId"] not in KNOWN_VENDORS:
        return Answer({"status": "UnknownVendorId"})
    answer: dict[str, Any] = {"status": "Accepted"}
    if "data" in p:
        answer["data"] = p["data"]  # echoed: the sim has nothing better to say
    return Answer(answer)
