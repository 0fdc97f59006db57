"""Charging-session use cases: each is one unit of work, committed before it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from laddnet.domain.authorization.model import AuthorizationDecision
from laddnet.domain.sessions.commands import (
    EventType,
    RecordMeterValues,
    RecordTransactionEvent,
    StartSession,
    StopSession,
)
from laddnet.ports import Clock, Database
from laddnet.services.handlers import session_writes as writes


@dataclass(frozen=True, slots=True)
class StartResult:
    session_id: int
    authorization: AuthorizationDecision


class SessionService:
    def __init__(self, db: Database, clock: Clock, max_power_w: int) -> None:
        self._db = db
        self._clock = clock
        self._max_power_w = max_power_w
        # Called after a session's end is committed (the CDR issuer's nudge), set by bootstrap.
        self.on_ended: Callable[[], None] = _nothing

    async def start_session(self, cmd: StartSession) -> StartResult:
        now = self._clock.now()
        session_id, decision = await self._db.write(lambda uow: writes.start(uow, cmd, now))
        return StartResult(session_id, decision)

    async def stop_session(self, cmd: StopSession) -> AuthorizationDecision | None:
        now = self._clock.now()
        decision = await self._db.write(lambda uow: writes.stop(uow, cmd, now, self._max_power_w))
        self.on_ended()
        return decision

    async def record_meter_values(self, cmd: RecordMeterValues) -> None:
        now = self._clock.now()
        await self._db.write(lambda uow: writes.meter_values(uow, cmd, now, self._max_power_w))

    async def record_transaction_event(
        self, cmd: RecordTransactionEvent
    ) -> AuthorizationDecision | None:
        now = self._clock.now()
        decision = await self._db.write(
            lambda uow: writes.transaction_event(uow, cmd, now, self._max_power_w)
        )
        if cmd.event_type is EventType.ENDED:
            self.on_ended()
        return decision


def _nothing() -> None:
    pass
