"""The running cost of a 2.0.1 transaction, sent to the station in a CostUpdated CALL (use
case I02) so it can show the driver what charging has cost so far.

Conservative by default (`cost_updated` = "reported"): only stations whose device model, as
Laddnet recorded it (a NotifyReport, a GetVariables or an accepted SetVariables), has
TariffCostCtrlr.Enabled true get it; "all" sends it to every 2.0.1 station, "off" to none.
At most one CostUpdated per transaction every `cost_updated_interval` seconds, after an
Updated TransactionEvent, off the station's request (its answer is never delayed).

TransactionEventResponse.totalCost is sent only for the Ended event: the 2.0.1 schema says it
"SHALL only be sent when charging has ended" (the final cost; see ocpp/v201/handlers.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from laddnet.domain.commands.model import OcppRequest
from laddnet.domain.errors import LaddnetError
from laddnet.domain.sessions.model import SessionStatus
from laddnet.ports import Database, StationLink, UnitOfWork
from laddnet.services.handlers.cdrs import CdrService

log = logging.getLogger(__name__)

COMPONENT, VARIABLE = "TariffCostCtrlr", "Enabled"
SUPPORT_TTL = 300.0  # seconds a station's recorded support is trusted before it is read again


class CostUpdateMode:
    OFF = "off"
    REPORTED = "reported"  # stations whose device model says TariffCostCtrlr.Enabled true
    ALL = "all"


def reports_support(values: list[str | None]) -> bool:
    """True if the station's recorded TariffCostCtrlr.Enabled (Actual) is true."""
    return any((v or "").strip().lower() == "true" for v in values)


class RunningCostService:
    def __init__(
        self,
        db: Database,
        cdrs: CdrService,
        link: StationLink,
        *,
        mode: str,
        interval: float,
        call_timeout: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._cdrs = cdrs
        self._link = link
        self._mode = mode
        self._interval = interval
        self._timeout = call_timeout
        self._monotonic = monotonic
        self._sent: dict[tuple[str, str], float] = {}  # (station, transaction) -> last sent
        self._support: dict[str, tuple[bool, float]] = {}  # station -> (supports, read at)
        self._tasks: set[asyncio.Task[float | None]] = set()

    def after_update(self, station_id: str, transaction_ref: str) -> None:
        """An Updated TransactionEvent was recorded: send the running cost if it is due."""
        if self._mode == CostUpdateMode.OFF:
            return
        key = (station_id, transaction_ref)
        now = self._monotonic()
        last = self._sent.get(key)
        if last is not None and now - last < self._interval:
            return
        self._sent[key] = now
        task = asyncio.create_task(self.send(station_id, transaction_ref))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def after_end(self, station_id: str, transaction_ref: str) -> None:
        self._sent.pop((station_id, transaction_ref), None)

    async def supports(self, station_id: str) -> bool:
        if self._mode == CostUpdateMode.ALL:
            return True
        now = self._monotonic()
        known = self._support.get(station_id)
        if known is not None and now - known[1] < SUPPORT_TTL:
            return known[0]

        def read(uow: UnitOfWork) -> bool:
            items = uow.configuration.items(station_id, component=COMPONENT)
            values = [
                i.value
                for i in items
                if i.variable == VARIABLE and i.attribute_type == "Actual" and i.evse_id == 0
            ]
            return reports_support(values)

        found = await self._db.read(read)
        self._support[station_id] = (found, now)
        return found

    def forget_support(self, station_id: str) -> None:
        """The station's device model changed: read its support again next time."""
        self._support.pop(station_id, None)

    async def send(self, station_id: str, transaction_ref: str) -> float | None:
        """Send the transaction's running cost incl. VAT; the amount sent, or None."""
        try:
            if not await self.supports(station_id):
                return None
            found = await self._cdrs.running_cost(station_id, transaction_ref)
            if found is None:
                return None
            status, amount = found
            if status is not SessionStatus.ACTIVE:
                return None  # ended meanwhile: the final cost went in the Ended answer
            # OCPP's decimal is a JSON number: an amount in minor units has an exact shortest
            # repr, so the station shows the digits priced here (as v201.translate.total_cost).
            payload = {"totalCost": float(amount), "transactionId": transaction_ref}
            await self._link.call(station_id, OcppRequest("CostUpdated", payload), self._timeout)
            return float(amount)
        except (LaddnetError, OSError) as exc:  # the driver sees the cost a little later
            log.info("running cost not sent to %s: %s", station_id, exc)
            return None

    async def drain(self) -> None:
        """Wait for the CostUpdated calls in flight (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
