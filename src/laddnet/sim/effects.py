"""What the simulated station does after answering a CSMS command: reboot, start or stop a
session, report a status or meter values, send a requested message.

Each effect runs in a task of its station (cancelled when the station closes), after the
answer has gone out, as a real station acts on a command it has accepted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from websockets.exceptions import InvalidHandshake

from laddnet.sim import frames
from laddnet.sim.meter import reading, sampled_values_v16, sampled_values_v201
from laddnet.sim.responder import report_data
from laddnet.sim.state import EvseState

if TYPE_CHECKING:
    from laddnet.sim.station import SimStation

log = logging.getLogger(__name__)
Effect = Callable[["SimStation", Any], Awaitable[None]]
REBOOT_SECONDS = 0.2  # how long the station is away while rebooting
BOOT_ATTEMPTS = 20
_CONNECT_ERRORS = (OSError, TimeoutError, InvalidHandshake)


async def carry_out(station: SimStation, what: str, target: Any) -> None:
    await EFFECTS[what](station, target)


async def _run(station: SimStation, action: Callable[[SimStation], Awaitable[None]]) -> None:
    await action(station)


async def end_session(station: SimStation, evse_id: int, reason: str) -> None:
    """Stop the transaction and report the connector free (1.6: Finishing first)."""
    evse = station.evses[evse_id]
    if evse.tx_ref is None:
        return
    await station.stop_session(evse_id, evse.last_energy_wh, reason)
    if station.version == "1.6":
        await station.status(evse_id, "Finishing")
    await station.status(evse_id, "Available")


def session_ended(station: SimStation, evse: EvseState) -> bool:
    """Apply a scheduled availability change; True if a scheduled reset may happen now."""
    if evse.scheduled_operative is not None:
        evse.operative, evse.scheduled_operative = evse.scheduled_operative, None
    idle = all(e.tx_ref is None for e in station.evses.values())
    return station.scheduled_reboot is not None and idle


async def _start_session(station: SimStation, target: tuple[int, str, int | None]) -> None:
    evse_id, tag, remote_start_id = target
    evse = station.evses[evse_id]
    if evse.tx_ref is not None:
        log.info("%s: EVSE %s got busy before the remote start", station.station_id, evse_id)
        return
    try:
        await station.status(evse_id, "Preparing")
        await station.start_session(
            evse_id, tag, evse.last_energy_wh, remote_start_id=remote_start_id
        )
    finally:
        if evse.tx_ref is None:  # the start never went out: release the claim
            evse.status = "Available"
    await station.status(evse_id, "Charging")


async def _stop_session(station: SimStation, target: tuple[int, str]) -> None:
    await end_session(station, *target)


async def reboot(station: SimStation, target: tuple[str, int | None]) -> None:
    """Stop the transactions, close the WebSocket, come back and boot again. A 2.0.1 reset of
    one EVSE only ends its transaction."""
    reason, evse_id = target
    if evse_id is not None:
        await _stop_all(station, reason, evse_id)
        await station.status(evse_id, "Available")
        return
    if station.rebooting:
        return  # a second reset while rebooting: once is enough
    station.rebooting = True
    station.scheduled_reboot = None
    try:
        await _stop_all(station, reason, None)
        await station.hang_up()
        await asyncio.sleep(REBOOT_SECONDS)
        await _boot_up(station)
    finally:
        station.rebooting = False
        if not station.connected:
            station.link_lost()  # the reconnector, if it has one, takes over


async def _stop_all(station: SimStation, reason: str, evse_id: int | None) -> None:
    for evse in list(station.evses.values()):
        if evse.tx_ref is not None and evse_id in (None, evse.evse_id):
            await station.stop_session(evse.evse_id, evse.last_energy_wh, reason)


async def _boot_up(station: SimStation) -> None:
    delay = 0.5
    while True:
        try:
            await station.connect()
            break
        except _CONNECT_ERRORS as exc:
            log.info("%s: reconnect after reboot failed (%r)", station.station_id, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
    station.boot_reason = "RemoteReset"
    for _ in range(BOOT_ATTEMPTS):
        result = await station.boot()
        if result.get("status") == "Accepted":
            break
        await asyncio.sleep(max(int(result.get("interval", 0)), 1))  # Pending: as told
    await station.flush()
    for evse in station.evses.values():
        status = "Charging" if evse.tx_ref is not None else "Available"
        if evse.evse_id in station.faulted_after_reboot:
            status = "Faulted"
        await station.status(evse.evse_id, status)


async def _schedule_reboot(station: SimStation, target: tuple[str, int | None]) -> None:
    station.scheduled_reboot = target


async def _report_availability(station: SimStation, target: tuple[int | None, bool]) -> None:
    evse_id, operative = target
    if evse_id is None:
        await station.station_status("Available" if operative else "Unavailable")
    ids = list(station.evses) if evse_id is None else [evse_id]
    for i in ids:
        evse = station.evses[i]
        if evse.tx_ref is None:  # else: Scheduled, reported when the transaction ends
            await station.status(i, "Available" if operative else "Unavailable")


async def _status_notification(station: SimStation, target: int | None) -> None:
    for evse_id in [target] if target is not None else list(station.evses):
        await station.status(evse_id, station.evses[evse_id].status)


async def _meter_values(station: SimStation, target: int | None) -> None:
    """Triggered meter values: the register now, with the transaction's id if one runs."""
    for evse_id in [target] if target is not None else list(station.evses):
        evse = station.evses[evse_id]
        session_wh = evse.last_energy_wh - evse.meter_start_wh if evse.tx_ref else 0
        r = reading(evse.last_energy_wh, 0, session_wh, evse.soc_start)
        ts = frames.iso(station.now())
        payload: dict[str, Any]
        if station.version == "1.6":
            values = [{"timestamp": ts, "sampledValue": sampled_values_v16(r, "Trigger")}]
            payload = {"connectorId": evse_id, "meterValue": values}
            transaction_id = station.transaction_id(evse_id)
            if transaction_id:
                payload["transactionId"] = int(transaction_id)
        else:
            values = [{"timestamp": ts, "sampledValue": sampled_values_v201(r, "Trigger")}]
            payload = {"evseId": evse_id, "meterValue": values}
        await station.call("MeterValues", payload, station.call_timeout)


async def _heartbeat(station: SimStation, _target: Any) -> None:
    await station.heartbeat()


async def _boot_notification(station: SimStation, _target: Any) -> None:
    station.boot_reason = "Triggered"  # 2.0.1 BootReasonEnumType (1.6 sends no reason)
    await station.boot()


async def _notify_report(station: SimStation, target: tuple[int, str]) -> None:
    request_id, base = target
    payload = {"requestId": request_id, "generatedAt": frames.iso(station.now())}
    data = report_data(station.responder, configuration_only=base == "ConfigurationInventory")
    payload.update(seqNo=0, tbc=False, reportData=data)
    await station.call("NotifyReport", payload, station.call_timeout)


EFFECTS: dict[str, Effect] = {
    "Heartbeat": _heartbeat,
    "BootNotification": _boot_notification,
    "StatusNotification": _status_notification,
    "MeterValues": _meter_values,
    "NotifyReport": _notify_report,
    "Reboot": reboot,
    "ScheduleReboot": _schedule_reboot,
    "ReportAvailability": _report_availability,
    "StartSession": _start_session,
    "StopSession": _stop_session,
    "Run": _run,  # a station-side action of laddnet.sim.operations
}
