"""The in-process event bus: every subscriber of this process gets every published event."""

from __future__ import annotations

import logging
from collections.abc import Callable

from laddnet.domain.events import Event

log = logging.getLogger(__name__)

Listener = Callable[[Event], None]


class MemoryEventBus:
    """Listeners are called in turn on the event loop; each hands the event on without
    blocking (see `laddnet.ports.EventBus`), so one slow consumer never holds up another."""

    def __init__(self) -> None:
        self._listeners: dict[int, Listener] = {}
        self._next = 0

    @property
    def subscribers(self) -> int:
        return len(self._listeners)

    async def publish(self, event: Event) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(event)
            except Exception:
                # Deliberately broad: a broken listener must not cost the others the event.
                log.exception("event listener failed on event %d", event.id)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._next += 1
        key = self._next
        self._listeners[key] = listener

        def unsubscribe() -> None:
            self._listeners.pop(key, None)

        return unsubscribe
