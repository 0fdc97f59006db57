"""The events service: owns the relay and webhook tasks, the live streams and the webhook
subscriptions; started and stopped by the runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.events import Event
from laddnet.ports import EventBus
from laddnet.services.events.delivery import WebhookDispatcher
from laddnet.services.events.relay import OutboxRelay
from laddnet.services.events.stream import EventStreams
from laddnet.services.events.webhooks import WebhookService

log = logging.getLogger(__name__)

FINAL_PASS_TIMEOUT = 5.0


class EventService:
    def __init__(
        self,
        relay: OutboxRelay,
        dispatcher: WebhookDispatcher,
        streams: EventStreams,
        webhooks: WebhookService,
        *,
        bus: EventBus,
        keepalive: float,
    ) -> None:
        self._bus = bus
        self.relay = relay
        self.dispatcher = dispatcher
        self.streams = streams
        self.webhooks = webhooks
        self.keepalive = keepalive  # seconds between SSE comments on a quiet stream
        self._tasks: list[asyncio.Task[None]] = []

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Hear every event published, from any node (the listener must not block); returns
        the unsubscribe."""
        return self._bus.subscribe(listener)

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    async def start(self) -> None:
        """Start the relay (it first publishes what an earlier run left) and the webhooks."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self.relay.run(), name="laddnet-event-relay"),
            asyncio.create_task(self.dispatcher.run(), name="laddnet-webhooks"),
        ]

    def close_streams(self) -> None:
        """End every live stream, so that the HTTP server can stop."""
        self.streams.close_all()

    async def stop(self) -> None:
        """End the streams, publish what is left (bounded), stop the tasks; idempotent."""
        self.close_streams()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(TimeoutError, StorageUnavailable):
            async with asyncio.timeout(FINAL_PASS_TIMEOUT):
                await self.relay.publish_pending()
