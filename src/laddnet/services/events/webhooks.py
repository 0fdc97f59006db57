"""Webhook subscriptions: create (the secret is shown once), list, read, delete, deliveries.
Every change is audited, never with the secret."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from laddnet.domain.errors import InvalidInput, UnknownWebhook
from laddnet.domain.events import ALL_EVENTS, EventType
from laddnet.domain.webhooks import Delivery, Webhook
from laddnet.ports import Clock, Database, UnitOfWork

KNOWN_EVENTS = frozenset(t.value for t in EventType)


class WebhookService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def create(self, url: str, events: Sequence[str], actor: str) -> tuple[Webhook, str]:
        """The new subscription and its signing secret (not retrievable later)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("a webhook url must be an absolute http(s) URL")
        unknown = sorted(set(events) - KNOWN_EVENTS - {ALL_EVENTS})
        if not events or unknown:
            raise InvalidInput(f"unknown event types: {unknown}" if unknown else "no events")
        wanted = [ALL_EVENTS] if ALL_EVENTS in events else sorted(set(events))
        secret = f"whsec_{secrets.token_urlsafe(32)}"
        now = self._clock.now()

        def add(uow: UnitOfWork) -> Webhook:
            hook = uow.webhooks.add(url, wanted, secret, actor, now)
            detail = {"url": url, "events": wanted}
            uow.audit.record(actor, "webhook.create", "webhook", str(hook.id), detail, now)
            return hook

        return await self._db.write(add), secret

    async def list_all(self) -> list[Webhook]:
        return await self._db.read(lambda uow: uow.webhooks.list_all())

    async def get(self, webhook_id: int) -> Webhook:
        hook = await self._db.read(lambda uow: uow.webhooks.get(webhook_id))
        if hook is None:
            raise UnknownWebhook(f"webhook {webhook_id} not found")
        return hook

    async def delete(self, webhook_id: int, actor: str) -> None:
        now = self._clock.now()

        def remove(uow: UnitOfWork) -> bool:
            if not uow.webhooks.delete(webhook_id):
                return False
            uow.audit.record(actor, "webhook.delete", "webhook", str(webhook_id), {}, now)
            return True

        if not await self._db.write(remove):
            raise UnknownWebhook(f"webhook {webhook_id} not found")

    async def deliveries(self, webhook_id: int, *, limit: int, offset: int) -> list[Delivery]:
        await self.get(webhook_id)
        return await self._db.read(
            lambda uow: uow.webhooks.deliveries(webhook_id, limit=limit, offset=offset)
        )
