"""SimStation: a charging station speaking OCPP 1.6J or 2.0.1 over a real WebSocket."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from types import ModuleType
from typing import Any
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed

from laddnet.sim import effects, v16, v201
from laddnet.sim.frames import SUBPROTOCOLS, CallErrorReceived, utc_now
from laddnet.sim.meter import reading
from laddnet.sim.reconnect import Reconnector
from laddnet.sim.responder import Responder
from laddnet.sim.rpc import NotConnectedError, RpcConnection, open_websocket
from laddnet.sim.state import EvseState, QueuedMessage
from laddnet.sim.txqueue import TransactionQueue

log = logging.getLogger(__name__)
_SEND_ERRORS = (TimeoutError, ConnectionClosed, NotConnectedError, CallErrorReceived)
SEND_ERRORS = _SEND_ERRORS  # what a station's call may raise when the link is down or refused


class SimStation:
    """A simulated station: one WebSocket, EVSEs numbered 1..evse_count with one connector each.

    Transaction messages go through an offline queue (`pending_transaction_messages`); the
    server's CALLs are answered automatically and recorded in `received_calls`.
    """

    def __init__(
        self,
        base_url: str,
        station_id: str,
        password: str | None,
        version: str = "1.6",
        evse_count: int = 2,
        vendor: str = "Laddnet",
        model: str = "Sim-1",
        *,
        auto_reconnect: bool = False,
        call_timeout: float = 10.0,
        open_timeout: float = 10.0,
        auto_answer: bool = True,
        clock: Callable[[], datetime] = utc_now,
        ssl_context: ssl.SSLContext | None = None,
        compression: bool = False,
    ) -> None:
        if version not in SUBPROTOCOLS:
            raise ValueError(f"unsupported OCPP version {version!r}")
        self.station_id = station_id
        self.password = password
        self.version = version
        self.ssl_context = ssl_context  # for wss:// (see sim/tls.py)
        self.compression = compression  # offer permessage-deflate (RFC 7692)
        self.vendor, self.model = vendor, model
        self.url = f"{base_url.rstrip('/')}/{quote(station_id, safe='')}"
        self.call_timeout, self.open_timeout = call_timeout, open_timeout
        self.evses = {i: EvseState(i) for i in range(1, evse_count + 1)}
        self.received_calls: list[tuple[str, dict[str, Any]]] = []
        # EVSEs with a fault a reboot does not clear: they report Faulted after every boot.
        self.faulted_after_reboot: set[int] = set()
        self.heartbeat_interval: int | None = None
        self.messages_sent = 0
        self.responder = Responder(version, self.evses)
        self._auto_answer = auto_answer
        self._clock = clock
        self._msg: ModuleType = v16 if version == "1.6" else v201
        self._link: RpcConnection | None = None
        self._queue = TransactionQueue(self.call)
        self.responder.queued_transaction_ids = self._queued_transaction_ids
        self._next_ref = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._reconnector = Reconnector(self._reconnect_once) if auto_reconnect else None
        self._closing = False
        self.rebooting = False  # the WebSocket is down on purpose: no reconnector
        self.scheduled_reboot: tuple[str, int | None] | None = None  # 2.0.1 OnIdle reset
        self.boot_reason = "PowerUp"

    # -- connection -------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._link is not None and not self._link.closed

    @property
    def pending_transaction_messages(self) -> int:
        return len(self._queue)

    def _queued_transaction_ids(self) -> list[str | None]:
        """The 2.0.1 transaction id of each queued message (GetTransactionStatus)."""
        return [
            i.payload.get("transactionInfo", {}).get("transactionId") for i in self._queue.items
        ]

    async def connect(self) -> None:
        """Open the WebSocket (raises websockets' InvalidStatus if the server refuses it)."""
        credentials = None if self.password is None else (self.station_id, self.password)
        agent = f"{self.vendor}-{self.model}"
        ws = await open_websocket(
            self.url,
            self.version,
            credentials,
            self.open_timeout,
            agent,
            self.ssl_context,
            self.compression,
        )
        on_call = self._on_server_call if self._auto_answer else None
        self._link = RpcConnection(ws, on_call, self._on_link_closed)
        self._closing = False

    async def reconnect(self) -> None:
        """Reconnect and deliver the queued transaction messages in order."""
        if self._link is not None:
            await self._link.close()
        await self._reconnect_once()

    async def flush(self, timeout: float | None = None) -> None:
        """Try to deliver the queued transaction messages now."""
        await self._queue.flush(timeout or self.call_timeout)

    async def drop(self) -> None:
        """Lose the connection abruptly (no closing handshake), as a network failure would."""
        if self._link is not None:
            await self._link.abort()

    async def hang_up(self) -> None:
        """Close the WebSocket for a reboot; `rebooting` stays set until the station is back."""
        self.rebooting = True
        if self._link is not None:
            await self._link.close()

    def link_lost(self) -> None:
        self._on_link_closed()

    async def close(self) -> None:
        self._closing = True
        if self._reconnector is not None:
            await self._reconnector.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._link is not None:
            await self._link.close()

    async def _reconnect_once(self) -> None:
        await self.connect()
        await self.flush()

    def _on_link_closed(self) -> None:
        if not self._closing and not self.rebooting and self._reconnector is not None:
            self._reconnector.trigger()

    # -- raw RPC ----------------------------------------------------------------------------

    def _require_link(self) -> RpcConnection:
        if self._link is None or self._link.closed:
            raise NotConnectedError(f"{self.station_id} is not connected")
        return self._link

    async def call(
        self,
        action: str,
        payload: dict[str, Any],
        timeout: float = 10,
    ) -> dict[str, Any]:
        """Send a CALL; return the CALLRESULT payload or raise CallErrorReceived."""
        link = self._require_link()
        self.messages_sent += 1
        return await link.call(action, payload, timeout)

    async def send_raw(self, text: str) -> None:
        await self._require_link().send_raw(text)

    async def recv_raw(self, timeout: float) -> Any:
        """The next frame not taken by a pending call (or by the automatic answers)."""
        return await self._require_link().recv_raw(timeout)

    # -- station messages -------------------------------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    def _now(self, timestamp: datetime | None) -> datetime:
        return timestamp if timestamp is not None else self._clock()

    async def boot(self) -> dict[str, Any]:
        payload = self._msg.boot(self.station_id, self.vendor, self.model)
        if self.version == "2.0.1":
            payload["reason"] = self.boot_reason
        result = await self.call("BootNotification", payload, self.call_timeout)
        if result.get("status") == "Accepted":
            self.heartbeat_interval = int(result["interval"])
        return result

    async def heartbeat(self) -> dict[str, Any]:
        return await self.call("Heartbeat", {}, self.call_timeout)

    async def station_status(self, status: str, timestamp: datetime | None = None) -> None:
        """Report the whole station's availability (1.6 connector 0, 2.0.1 NotifyEvent)."""
        action, payload = self._msg.station_availability(status, self._now(timestamp))
        await self.call(action, payload, self.call_timeout)

    async def status(self, evse_id: int, status: str, timestamp: datetime | None = None) -> None:
        evse = self.evses.get(evse_id)
        if evse is not None and status == "Available" and not evse.operative:
            status = "Unavailable"  # ChangeAvailability Inoperative holds until Operative
        payload = self._msg.status(evse_id, status, self._now(timestamp))
        if evse is not None:
            evse.status = status
        await self.call("StatusNotification", payload, self.call_timeout)

    async def authorize(self, id_tag: str) -> dict[str, Any]:
        return await self.call("Authorize", self._msg.authorize(id_tag), self.call_timeout)

    def transaction_id(self, evse_id: int) -> str | None:
        """The current transaction's id (1.6: None until the StartTransaction is answered)."""
        evse = self.evses[evse_id]
        if self.version == "1.6" and evse.tx_ref is not None:
            tx = self._queue.transaction_ids.get(evse.tx_ref)
            evse.transaction_id = None if tx is None else str(tx)
        return evse.transaction_id

    async def start_session(
        self,
        evse_id: int,
        id_tag: str,
        meter_start_wh: int = 0,
        timestamp: datetime | None = None,
        *,
        remote_start_id: int | None = None,
    ) -> str:
        """Start a transaction; returns its id, or "" for 1.6 while the start is still queued.
        `remote_start_id`: 2.0.1, started by RequestStartTransaction."""
        evse = self.evses[evse_id]
        if evse.tx_ref is not None:
            raise RuntimeError(f"EVSE {evse_id} already has a transaction")
        self._next_ref += 1
        ts = self._now(timestamp)
        evse.tx_ref, evse.id_tag, evse.seq_no, evse.started_at = self._next_ref, id_tag, 0, ts
        evse.meter_start_wh = evse.last_energy_wh = meter_start_wh
        evse.soc_start, evse.id_tag_status = random.randint(10, 60), None
        evse.remote_start_id = remote_start_id
        evse.transaction_id = str(uuid.uuid4()) if self.version == "2.0.1" else None
        item = await self._submit(evse, self._msg.start(evse, ts))
        if item.result is not None:
            info = item.result.get("idTagInfo") or item.result.get("idTokenInfo") or {}
            evse.id_tag_status = info.get("status")
        return self.transaction_id(evse_id) or ""

    async def meter(
        self,
        evse_id: int,
        energy_wh: int,
        power_w: int,
        timestamp: datetime | None = None,
        *,
        offered_w: int | None = None,
    ) -> dict[str, Any] | None:
        """Report meter values for the running transaction; None while queued. `offered_w`:
        the Power.Offered reported (default: the charger step above `power_w`)."""
        evse = self._in_transaction(evse_id)
        evse.last_energy_wh = energy_wh
        session_wh = energy_wh - evse.meter_start_wh
        r = reading(energy_wh, power_w, session_wh, evse.soc_start, offered_w)
        return (await self._submit(evse, self._msg.meter(evse, r, self._now(timestamp)))).result

    async def stop_session(
        self,
        evse_id: int,
        meter_stop_wh: int,
        reason: str = "Local",
        timestamp: datetime | None = None,
        *,
        transaction_id_override: int | None = None,
    ) -> dict[str, Any] | None:
        """End the transaction; None while queued.

        1.6: `transaction_id_override` (normally -1) gives up on an unanswered StartTransaction
        and sends the stop, and any queued meter values, with that id instead.
        """
        evse = self._in_transaction(evse_id)
        evse.last_energy_wh = meter_stop_wh
        r = reading(meter_stop_wh, 0, meter_stop_wh - evse.meter_start_wh, evse.soc_start)
        payload = self._msg.stop(evse, r, self._now(timestamp), reason)
        if transaction_id_override is not None and self.version == "1.6":
            assert evse.tx_ref is not None
            self._queue.give_up_start(evse.tx_ref, transaction_id_override)
            payload["transactionId"] = transaction_id_override
        try:
            item = await self._submit(evse, payload)
        finally:
            evse.tx_ref = evse.transaction_id = None
            if effects.session_ended(self, evse):  # a reset was waiting for this
                self._spawn(self._follow_up("Reboot", self.scheduled_reboot))
        return item.result

    def _in_transaction(self, evse_id: int) -> EvseState:
        evse = self.evses[evse_id]
        if evse.tx_ref is None:
            raise RuntimeError(f"EVSE {evse_id} has no transaction")
        return evse

    async def _submit(self, evse: EvseState, payload: dict[str, Any]) -> QueuedMessage:
        if self.version == "2.0.1":
            item = QueuedMessage("TransactionEvent", payload)
        else:
            action = {"meterStart": "StartTransaction", "meterStop": "StopTransaction"}
            name = next((a for k, a in action.items() if k in payload), "MeterValues")
            item = QueuedMessage(name, payload, tx_ref=evse.tx_ref)
        return await self._queue.submit(item, self.call_timeout)

    # -- the server's CALLs -----------------------------------------------------------------

    async def _on_server_call(self, message_id: str, action: str, payload: dict[str, Any]) -> None:
        self.received_calls.append((action, payload))
        frame, follow_up = self.responder.reply(message_id, action, payload)
        await self._require_link().send_raw(frame)
        password, heartbeat_interval = self.responder.settings()
        self.password = password or self.password
        self.heartbeat_interval = heartbeat_interval or self.heartbeat_interval
        if follow_up is not None:
            self._spawn(self._follow_up(*follow_up))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _follow_up(self, what: str, target: Any) -> None:
        try:
            await effects.carry_out(self, what, target)
        except _SEND_ERRORS as exc:
            log.info("%s: follow-up %s failed: %r", self.station_id, what, exc)
