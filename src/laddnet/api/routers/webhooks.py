"""Webhook subscriptions: create (operator or admin; the secret is shown once), list, read,
delete, and each subscription's deliveries."""

from __future__ import annotations

from fastapi import APIRouter, Response

from laddnet.api.deps import ContainerDep, PageDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.params import RowId
from laddnet.api.schemas.webhooks import DeliveryOut, WebhookCreated, WebhookIn, WebhookOut

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("", status_code=201, summary="Subscribe a URL to events")
async def create_webhook(
    body: WebhookIn, container: ContainerDep, principal: WriterDep
) -> WebhookCreated:
    hook, secret = await container.events.webhooks.create(
        str(body.url), [str(e) for e in body.events], principal.actor
    )
    return WebhookCreated(**WebhookOut.from_domain(hook).model_dump(), secret=secret)


@router.get("", summary="List webhook subscriptions (without their secrets)")
async def list_webhooks(container: ContainerDep) -> list[WebhookOut]:
    return [WebhookOut.from_domain(h) for h in await container.events.webhooks.list_all()]


@router.get("/{webhook_id}", summary="One webhook subscription", responses=NOT_FOUND_RESPONSE)
async def get_webhook(webhook_id: RowId, container: ContainerDep) -> WebhookOut:
    return WebhookOut.from_domain(await container.events.webhooks.get(webhook_id))


@router.delete(
    "/{webhook_id}",
    status_code=204,
    summary="Delete a subscription and its deliveries",
    responses=NOT_FOUND_RESPONSE,
)
async def delete_webhook(
    webhook_id: RowId, container: ContainerDep, principal: WriterDep
) -> Response:
    await container.events.webhooks.delete(webhook_id, principal.actor)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    summary="A subscription's deliveries, newest first",
    responses=NOT_FOUND_RESPONSE,
)
async def list_deliveries(
    webhook_id: RowId, container: ContainerDep, page: PageDep
) -> list[DeliveryOut]:
    deliveries = await container.events.webhooks.deliveries(
        webhook_id, limit=page.limit, offset=page.offset
    )
    return [DeliveryOut.from_domain(d) for d in deliveries]
