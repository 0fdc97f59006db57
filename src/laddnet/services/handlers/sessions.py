"""Charging-session use cases: each is one unit of work, committed before it returns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from laddnet.domain.authorization.model import AuthorizationDecision
from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.sessions.commands import (
    EventType,
    RecordMeterValues,
    RecordTransactionEvent,
    StartSession,
    StopSession,
)
from laddnet.ports import Clock, Database, KeyRing
from laddnet.services.handlers import session_checks as checks
from laddnet.services.handlers import session_writes as writes
from laddnet.services.handlers.driver_tokens import presented_key

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StartResult:
    session_id: int
    authorization: AuthorizationDecision


class SessionService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        max_power_w: int,
        *,
        max_clock_skew: timedelta = checks.DEFAULT_MAX_SKEW,
        gap_timeout: timedelta = timedelta(hours=6),
        gap_interval: float = 60.0,
        keys: KeyRing | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._max_power_w = max_power_w
        self._skew = max_clock_skew
        self._gap_timeout = gap_timeout
        self._gap_interval = gap_interval
        self._keys = keys  # drivers' tokens are stored under a keyed hash (driver_tokens.py)
        # Called after a session's end is committed (the CDR issuer's nudge), set by bootstrap.
        self.on_ended: Callable[[], None] = _nothing

    async def start_session(self, cmd: StartSession) -> StartResult:
        now = self._clock.now()
        hashed = await presented_key(self._keys, cmd.id_token, self._db)
        session_id, decision = await self._db.write(
            lambda uow: writes.start(uow, cmd, now, self._skew, token_key=hashed)
        )
        return StartResult(session_id, decision)

    async def stop_session(self, cmd: StopSession) -> AuthorizationDecision | None:
        now = self._clock.now()
        hashed = await presented_key(self._keys, cmd.id_token, self._db)
        decision = await self._db.write(
            lambda uow: writes.stop(uow, cmd, now, self._max_power_w, self._skew, hashed)
        )
        self.on_ended()
        return decision

    async def record_meter_values(self, cmd: RecordMeterValues) -> None:
        now = self._clock.now()
        late = await self._db.write(
            lambda uow: writes.meter_values(uow, cmd, now, self._max_power_w, self._skew)
        )
        if late:  # after its session ended: it may correct the CDR
            self.on_ended()

    async def record_transaction_event(
        self, cmd: RecordTransactionEvent
    ) -> AuthorizationDecision | None:
        now = self._clock.now()
        hashed = await presented_key(self._keys, cmd.id_token, self._db)
        late: list[int] = []
        decision = await self._db.write(
            lambda uow: writes.transaction_event(
                uow, cmd, now, self._max_power_w, self._skew, hashed, late
            )
        )
        if cmd.event_type is EventType.ENDED or late:
            self.on_ended()
        return decision

    async def time_out_gaps(self) -> list[int]:
        """End the wait of sessions missing transaction events for `gap_timeout`: they are
        flagged `missing_events` for review. Returns their ids."""
        now = self._clock.now()
        return await self._db.write(lambda uow: checks.time_out_gaps(uow, now, self._gap_timeout))

    async def run_gap_timeouts(self) -> None:
        """One timer for all incomplete sessions (see `time_out_gaps`)."""
        while True:
            await asyncio.sleep(self._gap_interval)
            try:
                await self.time_out_gaps()
            except StorageUnavailable:  # logged; the next round catches up
                log.warning("incomplete sessions could not be checked; retrying")


def _nothing() -> None:
    pass
