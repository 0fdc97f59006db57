"""How a simulated station answers station operations: firmware updates (status walk, then a
reboot with the new version), log uploads over HTTP, reservations and local lists.

A handler answers at once; what a real station does afterwards runs as a `("Run", action)`
follow-up: `action(station)` is awaited by the station after its answer went out
(`laddnet.sim.effects`). The responder merges `V16` and `V201` over its base tables.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from laddnet.sim import frames
from laddnet.sim.answers import Answer, Handler

if TYPE_CHECKING:
    from laddnet.sim.responder import Responder
    from laddnet.sim.station import SimStation

log = logging.getLogger(__name__)

Action = Callable[["SimStation"], Awaitable[None]]
STEP = 0.05  # seconds between firmware steps
NEW_FIRMWARE = "2.0.0-sim"
FIRMWARE_STEPS = ("Downloading", "Downloaded", "Installing", "Installed")
LOG_TEXT = b"2025-01-01T00:00:00Z simulated station log\n" * 20


def _run(action: Action) -> tuple[str, Any]:
    return ("Run", action)


def _firmware_walk(notification: str, request_id: int | None) -> Action:
    async def walk(station: SimStation) -> None:
        for status in FIRMWARE_STEPS:
            await asyncio.sleep(STEP)
            payload: dict[str, Any] = {"status": status}
            if request_id is not None:
                payload["requestId"] = request_id
            await station.call(notification, payload, station.call_timeout)
        boot = station._msg.boot(station.station_id, station.vendor, station.model)
        target = boot.get("chargingStation", boot)
        target["firmwareVersion"] = NEW_FIRMWARE
        await station.call("BootNotification", boot, station.call_timeout)

    return walk


def _upload(location: str, filename: str, notification: str, request_id: int | None) -> Action:
    async def upload(station: SimStation) -> None:
        def status(value: str) -> dict[str, Any]:
            return {"status": value} | ({"requestId": request_id} if request_id else {})

        await station.call(notification, status("Uploading"), station.call_timeout)
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                files = {"file": (filename, LOG_TEXT, "text/plain")}
                answer = await client.post(location, files=files)
            outcome = "Uploaded" if answer.is_success else "UploadFailure"
        except httpx.HTTPError as exc:
            log.info("%s: log upload failed: %r", station.station_id, exc)
            outcome = "UploadFailure"
        if notification == "DiagnosticsStatusNotification" and outcome != "Uploaded":
            outcome = "UploadFailed"
        await station.call(notification, status(outcome), station.call_timeout)

    return upload


def _occupied(r: Responder, evse_id: int | None) -> bool:
    evse = r.evses.get(evse_id or 0)
    return evse is not None and evse.transaction_id is not None


def _update_firmware_v16(_r: Responder, p: dict[str, Any]) -> Answer:
    return Answer({}, _run(_firmware_walk("FirmwareStatusNotification", None)))


def _signed_update_firmware(r: Responder, p: dict[str, Any]) -> Answer:
    if r.signed_firmware_answer is not None:  # the station refused the signing certificate
        return Answer({"status": r.signed_firmware_answer})
    walk = _firmware_walk("SignedFirmwareStatusNotification", p["requestId"])
    return Answer({"status": "Accepted"}, _run(walk))


def _get_diagnostics(_r: Responder, p: dict[str, Any]) -> Answer:
    name = "diagnostics.log"
    upload = _upload(p["location"], name, "DiagnosticsStatusNotification", None)
    return Answer({"fileName": name}, _run(upload))


def _get_log(_r: Responder, p: dict[str, Any]) -> Answer:
    name = "security.log" if p["logType"] == "SecurityLog" else "diagnostics.log"
    upload = _upload(p["log"]["remoteLocation"], name, "LogStatusNotification", p["requestId"])
    return Answer({"status": "Accepted", "filename": name}, _run(upload))


def _reserve_v16(r: Responder, p: dict[str, Any]) -> Answer:
    return Answer({"status": "Occupied" if _occupied(r, p["connectorId"]) else "Accepted"})


def _reserve_v201(r: Responder, p: dict[str, Any]) -> Answer:
    return Answer({"status": "Occupied" if _occupied(r, p.get("evseId")) else "Accepted"})


def _accepted(_r: Responder, _p: dict[str, Any]) -> Answer:
    return Answer({"status": "Accepted"})


def _update_firmware_v201(r: Responder, p: dict[str, Any]) -> Answer:
    signed = "signingCertificate" in p["firmware"]
    if signed and r.signed_firmware_answer is not None:
        return Answer({"status": r.signed_firmware_answer})
    walk = _firmware_walk("FirmwareStatusNotification", p["requestId"])
    return Answer({"status": "Accepted"}, _run(walk))


CUSTOMER_PART = 512  # NotifyCustomerInformationRequest.data is at most 512 characters


def _customer_key(p: dict[str, Any]) -> str:
    """Whom a CustomerInformationRequest names: an id token (case-insensitive), a customer
    identifier, or a certificate by its serial number."""
    if "idToken" in p:
        return "token:" + str(p["idToken"]["idToken"]).lower()
    if "customerIdentifier" in p:
        return "customer:" + str(p["customerIdentifier"])
    return "certificate:" + str(p["customerCertificate"]["serialNumber"]).lower()


def _customer_report(request_id: int, data: str) -> Action:
    """The report in parts of at most 512 characters (seqNo from 0, tbc on all but the last);
    no data: one empty part."""

    async def send(station: SimStation) -> None:
        chunks = [data[i : i + CUSTOMER_PART] for i in range(0, len(data), CUSTOMER_PART)]
        chunks = chunks or [""]
        for seq_no, chunk in enumerate(chunks):
            payload = {
                "data": chunk,
                "tbc": seq_no < len(chunks) - 1,
                "seqNo": seq_no,
                "generatedAt": frames.iso(station.now()),
                "requestId": request_id,
            }
            await station.call("NotifyCustomerInformation", payload, station.call_timeout)

    return send


def _customer_information(r: Responder, p: dict[str, Any]) -> Answer:
    """N09/N10: answer Accepted (or `r.customer_information_answer`), then report what the
    station holds about the customer (`r.customer_data`), read before it is cleared."""
    if r.customer_information_answer is not None:
        return Answer({"status": r.customer_information_answer})
    key = _customer_key(p)
    data = r.customer_data.get(key, "")
    if p["clear"]:
        r.customer_data.pop(key, None)
    if not p["report"]:
        return Answer({"status": "Accepted"})
    return Answer({"status": "Accepted"}, _run(_customer_report(p["requestId"], data)))


def _send_local_list(r: Responder, p: dict[str, Any]) -> Answer:
    """Keep the list's version: GetLocalListVersion answers it (1.6 5.10, 2.0.1 D02)."""
    r.local_list_version = int(p.get("listVersion", p.get("versionNumber", 0)))
    return Answer({"status": "Accepted"})


def _local_list_version_v16(r: Responder, _p: dict[str, Any]) -> Answer:
    return Answer({"listVersion": r.local_list_version})


def _local_list_version_v201(r: Responder, _p: dict[str, Any]) -> Answer:
    return Answer({"versionNumber": r.local_list_version})


V16: dict[str, Handler] = {
    "UpdateFirmware": _update_firmware_v16,
    "SignedUpdateFirmware": _signed_update_firmware,
    "GetDiagnostics": _get_diagnostics,
    "GetLog": _get_log,
    "ReserveNow": _reserve_v16,
    "CancelReservation": _accepted,
    "SendLocalList": _send_local_list,
    "GetLocalListVersion": _local_list_version_v16,
}

V201: dict[str, Handler] = {
    "UpdateFirmware": _update_firmware_v201,
    "GetLog": _get_log,
    "ReserveNow": _reserve_v201,
    "CancelReservation": _accepted,
    "SendLocalList": _send_local_list,
    "CustomerInformation": _customer_information,
    "GetLocalListVersion": _local_list_version_v201,
}
