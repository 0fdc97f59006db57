"""Ports: published events: reading them back, webhooks, the event bus, the relay's claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Protocol

from laddnet.domain.events import Event
from laddnet.domain.webhooks import Delivery, DeliveryStatus, DueDelivery, Webhook


class EventHistory(Protocol):
    """Committed events read back, for a live-stream client that resumes (Last-Event-ID)."""

    def after(
        self,
        event_id: int,
        *,
        since: datetime,
        limit: int,
        types: Sequence[str] | None,
        station_id: str | None,
    ) -> list[Event]: ...


class WebhookRepository(Protocol):
    def add(
        self, url: str, events: Sequence[str], secret: str, created_by: str, now: datetime
    ) -> Webhook: ...
    def get(self, webhook_id: int) -> Webhook | None: ...
    def list_all(self) -> list[Webhook]: ...
    def delete(self, webhook_id: int) -> bool: ...
    def deliveries(self, webhook_id: int, *, limit: int, offset: int) -> list[Delivery]: ...
    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries due at `now`, each counted as attempted and hidden from other
        claims until `lease_until` (SKIP LOCKED: one process claims each)."""
        ...

    def record_attempt(
        self,
        delivery_id: int,
        status: DeliveryStatus,
        response_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None: ...


class EventBus(Protocol):
    """Carries published events to every subscriber in every process. `publish` is called by
    the outbox relay only; a listener runs on the event loop and must not block or await (it
    hands the event on, e.g. into a bounded queue of its own) and must not change the event."""

    async def publish(self, event: Event) -> None: ...
    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Register `listener`; returns the function that unregisters it."""
        ...


class OutboxClaims(Protocol):
    """The relay's side of the outbox. `claim` yields up to `limit` unpublished events, oldest
    first, locked against every other relay (SKIP LOCKED), with their webhook deliveries created
    and their `published_at` set; all of it commits when the block exits normally, after the
    relay has published them, and is rolled back if it raises."""

    def claim(self, limit: int, now: datetime) -> AbstractAsyncContextManager[list[Event]]: ...
    async def prune(self, published_before: datetime, limit: int) -> int:
        """Delete up to `limit` events published before the given time that no pending webhook
        delivery needs; the number deleted."""
        ...


class WebhookSender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body`; the response status. Raises `WebhookUnreachable` if no answer came."""
        ...
