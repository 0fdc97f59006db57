"""Webhook subscriptions and deliveries on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, HttpUrl

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.events import EventType
from laddnet.domain.webhooks import Delivery, DeliveryStatus, Webhook

EventName = EventType | Literal["*"]


class WebhookIn(BaseModel):
    url: HttpUrl = Field(description="Where events are POSTed: an absolute http(s) URL.")
    events: list[EventName] = Field(
        min_length=1, description='Event types to send, or ["*"] for all of them.'
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    active: bool
    created_by: str
    created_at: UtcDateTime

    @classmethod
    def from_domain(cls, hook: Webhook) -> WebhookOut:
        return cls(
            id=hook.id,
            url=hook.url,
            events=list(hook.events),
            active=hook.active,
            created_by=hook.created_by,
            created_at=hook.created_at,
        )


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description="Signs every request (Laddnet-Signature); shown only in this answer."
    )


class DeliveryOut(BaseModel):
    id: int
    event_id: int
    status: DeliveryStatus
    attempts: int
    response_status: int | None = Field(description="HTTP status of the last attempt's answer.")
    error: str | None = Field(description="Why the last attempt failed.")
    created_at: UtcDateTime
    last_attempt_at: UtcDateTime | None
    next_attempt_at: UtcDateTime | None = Field(description="When a pending delivery is retried.")

    @classmethod
    def from_domain(cls, d: Delivery) -> DeliveryOut:
        return cls(
            id=d.id,
            event_id=d.event_id,
            status=d.status,
            attempts=d.attempts,
            response_status=d.response_status,
            error=d.error,
            created_at=d.created_at,
            last_attempt_at=d.last_attempt_at,
            next_attempt_at=d.next_attempt_at,
        )
