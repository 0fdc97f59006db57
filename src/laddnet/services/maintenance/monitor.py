"""The monitor: one task per process that keeps service statuses and alerts current.

It hangs off the commit, not the hot path: a listener on the event bus notes which stations
changed (a set, no I/O), and the task handles them in one unit of work per burst. A timer
re-evaluates the timed alert rules from stored state and finds stations whose presence changed
without an event (a node restarted), so a restart neither loses nor doubles an alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.events import Event, EventType
from laddnet.ports import Clock, Database, EventBus
from laddnet.services.maintenance.evaluation import (
    apply_service_statuses,
    apply_timed,
    on_events,
    plan_service_statuses,
    plan_timed,
)
from laddnet.services.maintenance.health_alerts import (
    HEALTH_EVENTS,
    alerted_stations,
    apply_health,
    plan_health,
)

log = logging.getLogger(__name__)

# Events after which a station's service status may have changed.
_STATUS_EVENTS = frozenset(
    {
        EventType.STATION_CONNECTED.value,
        EventType.STATION_DISCONNECTED.value,
        EventType.STATION_BOOTED.value,
        EventType.CONNECTOR_STATUS_CHANGED.value,
        EventType.MAINTENANCE_CHANGED.value,
    }
)
# Events the alert rules react to.
_ALERT_EVENTS = frozenset(
    {
        EventType.STATION_BOOTED.value,
        EventType.SESSION_ENDED.value,
        EventType.FIRMWARE_STATUS_CHANGED.value,
        EventType.STATION_CONNECTED.value,  # presence history, for uptime
        EventType.STATION_DISCONNECTED.value,
        EventType.SECURITY_EVENT_RECORDED.value,  # a critical one opens an alert
    }
)
BATCH = 500
_ALERT_CHANGES = frozenset({EventType.ALERT_OPENED.value, EventType.ALERT_CLOSED.value})
APPLY_BATCH = 10


class Monitor:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        bus: EventBus,
        *,
        interval: float,
        health_interval: float = 0.0,
        on_tick: Callable[[], Awaitable[None]] | None = None,
        after_tick: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._bus = bus
        self._interval = interval
        self._timed_at: datetime | None = None  # the last pass of the timed rules
        self._boot_margin = timedelta(seconds=max(30.0, interval))
        self._on_tick = on_tick  # maintenance windows that ended, run by the service
        self._after_tick = after_tick  # automatic recovery steps that are due
        self._dirty: set[str] = set()
        self._events: list[Event] = []
        self._health: set[str] = set()  # stations to score again
        # Health is scored in rounds, at most one every `health_interval` seconds: a busy
        # station's burst of events costs one scoring.
        self._health_interval = health_interval
        self._next_health = 0.0  # loop time of the next round
        self._health_round: list[str] = []  # stations of the round under way, not yet scored
        self.health_rounds = 0  # read by tests
        self._wake = asyncio.Event()
        self._passing = asyncio.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        self._tick_soon = False
        self.ticks = 0  # read by tests

    def listen(self, event: Event) -> None:
        """An event bus listener: notes, never blocks."""
        if event.station_id is None:
            return
        if event.type in _STATUS_EVENTS:
            self._dirty.add(event.station_id)
            self._wake.set()
        if event.type in _ALERT_EVENTS:
            self._events.append(event)
            self._wake.set()
        if _health_alert(event):  # the health score moves the service status
            self._dirty.add(event.station_id)
            self._wake.set()
        if event.type in HEALTH_EVENTS:
            self._health.add(event.station_id)
            self._wake.set()

    def mark(self, station_id: str) -> None:
        self._dirty.add(station_id)
        self._wake.set()

    def mark_tick(self) -> None:
        """Evaluate the timed rules soon (the rules changed): for every station once."""
        self._timed_at = None
        self._tick_soon = True
        self._wake.set()

    async def run(self) -> None:
        self._unsubscribe = self._bus.subscribe(self.listen)
        try:
            loop = asyncio.get_running_loop()
            next_tick = loop.time()
            # Not in a restart's boot storm: the first health round comes one interval later.
            self._next_health = loop.time() + self._health_interval
            while True:
                wake_at = min(next_tick, self._next_health) if self._health else next_tick
                timeout = max(0.0, wake_at - loop.time())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await self._wake.wait()
                self._wake.clear()
                try:
                    await self.process_pending()
                    if self._tick_soon or loop.time() >= next_tick:
                        self._tick_soon = False
                        await self.tick()
                        next_tick = loop.time() + self._interval
                except StorageUnavailable:
                    log.warning("maintenance monitor: database unavailable; retrying")
                    await asyncio.sleep(min(self._interval, 5.0))
        finally:
            if self._unsubscribe is not None:
                self._unsubscribe()

    async def process_pending(self) -> None:
        # One pass at a time (tick() and score_health() may be called from outside the task): a
        # station is scored only once the events taken before it are stored.
        async with self._passing:
            while self._dirty or self._events or self._health_round or self._health_due():
                if not (self._dirty or self._events):
                    await self._score_health()  # after every pending event is stored
                    continue
                await self._handle_batch()

    async def _handle_batch(self) -> None:
        dirty = sorted(self._dirty)[:BATCH]
        self._dirty.difference_update(dirty)
        events, self._events = self._events[:BATCH], self._events[BATCH:]
        # The writer is shared with the stations' messages: it gets the event handling and the
        # changes only; the service statuses are worked out on a reader.
        if events:
            await self._db.write(partial(on_events, events=events, now=self._clock.now()))
        updates = await self._db.read(partial(plan_service_statuses, station_ids=dirty))
        if updates:
            now = self._clock.now()
            await self._db.write(partial(apply_service_statuses, updates=updates, now=now))

    @property
    def health_pending(self) -> frozenset[str]:
        """Stations to score at the next round."""
        return frozenset(self._health)

    def _health_due(self) -> bool:
        return bool(self._health) and asyncio.get_running_loop().time() >= self._next_health

    async def score_health(self) -> None:
        """Score every pending station now, whatever the interval."""
        self._next_health = 0.0
        await self.process_pending()

    async def _score_health(self) -> None:
        """The next batch of the round under way, or a new round of every station pending."""
        if not self._health_round:
            self._health_round = sorted(self._health)
            self._health.clear()  # in place: tick() may be adding to this very set
            self._next_health = asyncio.get_running_loop().time() + self._health_interval
            self.health_rounds += 1
        scored, self._health_round = self._health_round[:BATCH], self._health_round[BATCH:]
        now = self._clock.now()
        health = await self._db.read(partial(plan_health, station_ids=scored, now=now))
        if health.open or health.close:
            await self._db.write(partial(apply_health, plan=health, now=now))

    async def tick(self) -> None:
        """Stations whose presence changed unseen, then the timed rules."""
        if self._on_tick is not None:
            await self._on_tick()
        drifted = await self._db.read(lambda uow: uow.maintenance.drifted_stations(BATCH))
        self._dirty.update(drifted)
        self._health.update(await self._db.read(alerted_stations))
        await self.process_pending()
        now = self._clock.now()
        # Boots since the last pass, with a margin for boot events still on their way here.
        since = self._timed_at - self._boot_margin if self._timed_at is not None else None
        plan = await self._db.read(partial(plan_timed, now=now, booted_since=since))
        # Many alerts at once (a site loses power) go in small units of work: the writer is
        # shared with the stations' messages.
        for part in plan.parts(APPLY_BATCH):
            await self._db.write(partial(apply_timed, plan=part, now=now))
        self._timed_at = now
        if self._after_tick is not None:
            await self._after_tick()
        self.ticks += 1


def _health_alert(event: Event) -> bool:
    return event.type in _ALERT_CHANGES and event.data.get("kind") == "health_low"
