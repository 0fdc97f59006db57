"""Who gets alerts and ticket changes by e-mail. Any key reads; changes need a writer key
(this router's role checks are its `WriterDep` parameters, nothing else)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.deps import ContainerDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import RowId
from laddnet.domain.errors import NotFound
from laddnet.domain.maintenance.alerts import Severity
from laddnet.domain.maintenance.notify import Recipient

router = APIRouter(prefix="/notification-recipients", tags=["maintenance"])


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    site_id: str | None = Field(None, description="Only this site's; absent: every site")
    min_severity: Severity = Field(
        Severity.WARNING, description="info (ticket changes too), warning or critical"
    )


class RecipientOut(BaseModel):
    id: int
    email: str
    site_id: str | None
    min_severity: Severity

    @classmethod
    def from_domain(cls, r: Recipient) -> RecipientOut:
        return cls(id=r.id, email=r.email, site_id=r.site_id, min_severity=r.min_severity)


@router.get("", summary="Notification recipients")
async def list_recipients(container: ContainerDep) -> list[RecipientOut]:
    return [RecipientOut.from_domain(r) for r in await container.maintenance.recipients.list()]


class FailureOut(BaseModel):
    event_id: int = Field(description="The alert or ticket event the message was about")
    email: str
    first_tried_at: datetime
    attempts: int | None = Field(description="Tries made before giving up")
    error: str | None = Field(description="The mail server's last answer (code: text)")


@router.get(
    "/failures",
    summary="Messages the mail server refused for good (5xx) or after every retry, newest first",
)
async def list_failures(
    container: ContainerDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[FailureOut]:
    rows = await container.maintenance.notifier.failures(limit)
    return [FailureOut.model_validate(r) for r in rows]


@router.post(
    "",
    status_code=201,
    summary="Mail alerts (and ticket changes) of a site, or every site, to an address",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def add_recipient(
    body: RecipientIn, container: ContainerDep, writer: WriterDep
) -> RecipientOut:
    found = await container.maintenance.recipients.add(
        body.email, body.site_id, body.min_severity, writer.actor
    )
    return RecipientOut.from_domain(found)


@router.delete(
    "/{recipient_id}",
    status_code=204,
    summary="Stop mailing a recipient",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def remove_recipient(
    recipient_id: RowId, container: ContainerDep, writer: WriterDep
) -> Response:
    if not await container.maintenance.recipients.remove(recipient_id, writer.actor):
        raise NotFound(f"recipient {recipient_id} not found")
    return Response(status_code=204)
