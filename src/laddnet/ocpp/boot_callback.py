"""Stations answered Pending are called back as boot admission frees up: a TriggerMessage
BootNotification, so they boot again before their interval ends (2.0.1 B02, OCTT TC_B_31;
1.6 §4.2 lets a Pending station send a BootNotification when triggered).

The stations this node answered Pending wait here per connection, oldest first, and are
forgotten when they boot again or their connection ends. While any wait, one pump task wakes
every `TICK` seconds and calls back no more than admission has room for, less the callbacks
still under way, and at most `PER_TICK`: the callbacks never bring back the storm that caused
the Pending. The pump ends when nobody waits, so an idle gateway holds no task for this.

A callback goes through the command path (CommandService), so the command log shows it (actor
`laddnet:boot-callback`) with the station's answer; the log line per station is DEBUG only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import LaddnetError
from laddnet.domain.ids import StationId
from laddnet.ocpp.connections import ConnectionRegistry
from laddnet.ocpp.rpc import Session
from laddnet.services.handlers.commands import CommandService

log = logging.getLogger(__name__)

ACTOR = "laddnet:boot-callback"
TICK = 1.0  # seconds between two rounds of callbacks
PER_TICK = 5  # callbacks started in one round, at most
BODY = {"message": "BootNotification"}

Trigger = Callable[[Session], Coroutine[Any, Any, None]]


class BootCallbacks:
    def __init__(
        self,
        room: Callable[[], int],
        trigger: Trigger,
        *,
        enabled: bool = True,
        per_tick: int = PER_TICK,
        tick: float = TICK,
    ) -> None:
        self._room = room  # boots admission would take now
        self._trigger = trigger
        self._enabled = enabled
        self._per_tick = per_tick
        self._tick = tick
        # Keyed by the connection's Session object (one per connection), oldest first.
        self._waiting: dict[int, Session] = {}
        self._calling: set[asyncio.Task[None]] = set()
        self._pump: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    def remember(self, session: Session) -> None:
        """The station was answered Pending; one already waiting keeps its place."""
        if not self._enabled:
            return
        self._waiting.setdefault(id(session), session)
        if self._pump is None:
            self._pump = asyncio.create_task(self._run())

    def forget(self, session: Session) -> None:
        """The station boots again (admitted) or its connection ended."""
        self._waiting.pop(id(session), None)

    def call_back(self) -> int:
        """Start the callbacks there is room for now, oldest first; returns how many."""
        free = min(self._room() - len(self._calling), self._per_tick)
        started = 0
        while started < free and self._waiting:
            session = self._waiting.pop(next(iter(self._waiting)))
            task = asyncio.create_task(self._trigger(session))
            self._calling.add(task)
            task.add_done_callback(self._calling.discard)
            started += 1
        return started

    async def _run(self) -> None:
        try:
            while self._waiting:
                # Waiting first also lets the Pending answer go out before its callback.
                await asyncio.sleep(self._tick)
                self.call_back()
        finally:
            self._pump = None

    async def stop(self) -> None:
        """Call nobody back any more; wait for the callbacks under way (each has a timeout)."""
        self._waiting.clear()
        pump = self._pump
        if pump is not None:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        if self._calling:
            await asyncio.gather(*self._calling, return_exceptions=True)


def command_trigger(commands: CommandService, registry: ConnectionRegistry) -> Trigger:
    """A TriggerMessage BootNotification through the command log, to a station still on the
    connection that was answered Pending and not accepted since."""

    async def trigger(session: Session) -> None:
        connection = registry.get(session.station_id)
        if connection is None or connection.session is not session or session.accepted:
            return
        station_id = StationId(session.station_id)
        try:
            result = await commands.send(station_id, CommandName.TRIGGER_MESSAGE, dict(BODY), ACTOR)
        except LaddnetError as exc:  # in the command log; the station boots at its interval
            log.debug("%s: boot callback failed: %s", station_id, exc)
            return
        log.debug("%s: boot callback answered %s", station_id, result.status)

    return trigger
