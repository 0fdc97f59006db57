"""The offline queue of transaction-related messages, delivered in order (OCPP 1.6 §3.7).

A message leaves the queue when the CSMS answers it. No answer (timeout, no connection) leaves
it at the head for the next flush, typically after a reconnect. A CALLERROR is retried after
`retry_interval * attempts` seconds and dropped after `attempts` failures, as the spec allows.
For 1.6 the CSMS's transactionId is filled in at send time: a StartTransaction that was given
up on leaves -1 for the rest of its transaction (1.6 errata 3.18).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.exceptions import ConnectionClosed

from laddnet.sim.frames import CallErrorReceived
from laddnet.sim.rpc import NotConnectedError
from laddnet.sim.state import QueuedMessage

Send = Callable[[str, dict[str, Any], float], Awaitable[dict[str, Any]]]
log = logging.getLogger(__name__)
UNKNOWN_TRANSACTION = -1


class TransactionQueue:
    def __init__(self, send: Send, attempts: int = 3, retry_interval: float = 1.0) -> None:
        self._send = send
        self.attempts = attempts
        self.retry_interval = retry_interval
        self.items: deque[QueuedMessage] = deque()
        self.transaction_ids: dict[int, int] = {}  # 1.6: local tx_ref -> CSMS transactionId
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self.items)

    async def submit(self, item: QueuedMessage, timeout: float) -> QueuedMessage:
        """Queue `item` and try to deliver the queue; `item.result` is set once answered."""
        self.items.append(item)
        await self.flush(timeout)
        if item.error is not None:
            raise item.error
        return item

    def give_up_start(self, tx_ref: int, transaction_id: int = UNKNOWN_TRANSACTION) -> None:
        """Stop waiting for a 1.6 StartTransaction answer; its transaction uses `transaction_id`."""
        self.items = deque(
            i for i in self.items if not (i.action == "StartTransaction" and i.tx_ref == tx_ref)
        )
        self.transaction_ids.setdefault(tx_ref, transaction_id)

    async def flush(self, timeout: float) -> None:
        async with self._lock:
            while self.items:
                item = self.items[0]
                try:
                    result = await self._send(item.action, self._resolve(item), timeout)
                except (TimeoutError, ConnectionClosed, NotConnectedError) as exc:
                    log.debug("%s stays queued: %r", item.action, exc)
                    return
                except CallErrorReceived as exc:
                    item.attempts += 1
                    if item.attempts < self.attempts:
                        await asyncio.sleep(self.retry_interval * item.attempts)
                        continue
                    log.warning(
                        "dropping %s after %d CALLERRORs: %s",
                        item.action,
                        item.attempts,
                        exc,
                    )
                    self.items.popleft()
                    item.error = exc
                    if item.action == "StartTransaction" and item.tx_ref is not None:
                        self.transaction_ids.setdefault(item.tx_ref, UNKNOWN_TRANSACTION)
                    continue
                self.items.popleft()
                item.result = result
                if item.action == "StartTransaction" and item.tx_ref is not None:
                    self.transaction_ids[item.tx_ref] = int(result["transactionId"])

    def _resolve(self, item: QueuedMessage) -> dict[str, Any]:
        if item.tx_ref is None or item.action == "StartTransaction":
            return item.payload
        if "transactionId" in item.payload:
            return item.payload
        tx = self.transaction_ids.get(item.tx_ref, UNKNOWN_TRANSACTION)
        return {**item.payload, "transactionId": tx}
