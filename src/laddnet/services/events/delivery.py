"""Webhook delivery: signed POSTs of each event to each subscribed receiver, retried with
exponential backoff and jitter, on a task of its own so that a slow or dead receiver costs the
stations nothing.

Due deliveries are claimed in a short transaction (SKIP LOCKED on PostgreSQL: one process
sends each) that counts the attempt and leases the delivery for longer than a request may take;
the outcome is recorded after the request. A process that dies mid-request leaves the lease to
expire, and the delivery is tried again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from laddnet.domain.errors import StorageUnavailable, WebhookUnreachable
from laddnet.domain.events import retry_delay, signature
from laddnet.domain.webhooks import DeliveryStatus, DueDelivery
from laddnet.ports import Clock, Database, UnitOfWork, WebhookSender

log = logging.getLogger(__name__)


class WebhookDispatcher:
    def __init__(
        self,
        db: Database,
        sender: WebhookSender,
        clock: Clock,
        *,
        concurrency: int,
        retry_schedule: tuple[float, ...],
        poll_interval: float,
        lease: timedelta,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._db = db
        self._sender = sender
        self._clock = clock
        self._concurrency = concurrency
        self._schedule = retry_schedule
        self._poll = poll_interval
        self._lease = lease
        self._jitter = jitter
        self._wake = asyncio.Event()
        self._inflight = 0

    def nudge(self) -> None:
        """New deliveries may be due (on the event loop's thread)."""
        self._wake.set()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            while True:
                self._wake.clear()
                free = self._concurrency - self._inflight
                if free > 0:
                    for due in await self._claim(free):
                        self._inflight += 1
                        group.create_task(self._send(due))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):
                        await self._wake.wait()

    async def _claim(self, limit: int) -> list[DueDelivery]:
        now = self._clock.now()
        try:
            return await self._db.write(
                lambda uow: uow.webhooks.claim_due(now, now + self._lease, limit)
            )
        except StorageUnavailable:
            log.warning("webhooks: database unavailable; retrying")
            return []

    async def _send(self, due: DueDelivery) -> None:
        try:
            await self.attempt(due)
        except StorageUnavailable:
            log.warning("webhooks: could not record delivery %d; its lease will expire", due.id)
        except Exception:
            # Deliberately broad: one delivery's bug must not stop the others; it is recorded
            # here and the lease lets the delivery be tried again.
            log.exception("webhooks: delivery %d failed unexpectedly", due.id)
        finally:
            self._inflight -= 1
            self._wake.set()

    async def attempt(self, due: DueDelivery) -> DeliveryStatus:
        """Send one claimed delivery and record the outcome."""
        body = due.event.to_json().encode()
        timestamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "Laddnet-Event-Id": str(due.event.id),
            "Laddnet-Timestamp": str(timestamp),
            "Laddnet-Signature": signature(due.secret, timestamp, body),
        }
        response: int | None = None
        error: str | None = None
        try:
            response = await self._sender.post(due.url, body, headers)
        except WebhookUnreachable as exc:
            error = str(exc)
        now = self._clock.now()
        next_at = None
        if response is not None and 200 <= response < 300:
            status = DeliveryStatus.DELIVERED
        else:
            error = error or f"HTTP {response}"
            delay = retry_delay(due.attempts, self._schedule, self._jitter())
            status = DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING
            next_at = None if delay is None else now + timedelta(seconds=delay)

        def record(uow: UnitOfWork) -> None:
            uow.webhooks.record_attempt(due.id, status, response, error, next_at)

        await self._db.write(record)
        return status
