"""Live event streams of API clients: what a resuming client missed (from the outbox), then the
live events, without duplicates; a bounded queue per client, so that a slow client never holds
up the bus or another client: one that falls too far behind is closed and resumes later."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

from laddnet.domain.events import Event, matches
from laddnet.ports import Clock, Database, EventBus

REPLAY_LIMIT = 10_000
REPLAY_WINDOW = timedelta(hours=24)

_END = None  # queued to end a stream


class EventStream:
    """One client's subscription. Iterate with `items(keepalive)`: an `Event`, or None when
    `keepalive` seconds passed without one; the iteration ends when the stream is closed."""

    def __init__(
        self,
        streams: EventStreams,
        types: Sequence[str] | None,
        station_id: str | None,
        last_event_id: int | None,
        max_queue: int,
        allowed_stations: frozenset[str] | None = None,
    ) -> None:
        self._streams = streams
        self._allowed = allowed_stations  # a site scope's stations; None: every event
        self._types = None if types is None else frozenset(types)
        self._station_id = station_id
        self._last_event_id = last_event_id
        self._max_queue = max_queue
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._closed = False
        self.lagged = False  # closed because the client fell too far behind

    def offer(self, event: Event) -> None:
        """The bus listener: never blocks, never waits."""
        if self._closed or not matches(event, self._types, self._station_id):
            return
        if not self._visible(event):
            return
        if self._queue.qsize() >= self._max_queue:
            self.lagged = True
            self.close()
            return
        self._queue.put_nowait(event)

    def _visible(self, event: Event) -> bool:
        return self._allowed is None or event.station_id in self._allowed

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(_END)

    async def items(self, keepalive: float) -> AsyncIterator[Event | None]:
        sent: set[int] = set()
        if self._last_event_id is not None:
            for event in await self._streams.missed(
                self._last_event_id, self._types, self._station_id
            ):
                if not self._visible(event):
                    continue
                sent.add(event.id)
                yield event
        while True:
            try:
                async with asyncio.timeout(keepalive):
                    item = await self._queue.get()
            except TimeoutError:
                yield None
                continue
            if item is _END:
                return
            event = item
            if event.id in sent:
                continue  # replayed already: published while the replay was read
            yield event


class EventStreams:
    def __init__(self, db: Database, bus: EventBus, clock: Clock, *, max_queue: int) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        self._max_queue = max_queue
        self._open: set[EventStream] = set()
        self._closing = False

    @property
    def open_count(self) -> int:
        return len(self._open)

    @contextlib.asynccontextmanager
    async def open(
        self,
        types: Sequence[str] | None = None,
        station_id: str | None = None,
        last_event_id: int | None = None,
        allowed_stations: frozenset[str] | None = None,
    ) -> AsyncIterator[EventStream]:
        """A stream subscribed to the bus before anything missed is read, so nothing falls
        between the two. `allowed_stations`: only these stations' events (a site scope)."""
        stream = EventStream(
            self, types, station_id, last_event_id, self._max_queue, allowed_stations
        )
        unsubscribe = self._bus.subscribe(stream.offer)
        self._open.add(stream)
        if self._closing:
            stream.close()
        try:
            yield stream
        finally:
            unsubscribe()
            self._open.discard(stream)
            stream.close()

    async def missed(
        self, last_event_id: int, types: frozenset[str] | None, station_id: str | None
    ) -> list[Event]:
        since = self._clock.now() - REPLAY_WINDOW
        return await self._db.read(
            lambda uow: uow.event_history.after(
                last_event_id,
                since=since,
                limit=REPLAY_LIMIT,
                types=None if types is None else sorted(types),
                station_id=station_id,
            )
        )

    def close_all(self) -> None:
        """The server stops: end every stream, and any opened from now on."""
        self._closing = True
        for stream in list(self._open):
            stream.close()
