"""E-mail notifications: alerts and ticket changes to the recipients of their site and
severity, collected over a window and sent as one message per recipient (a digest).

Each (event, address) is claimed in the database before its message leaves, so with several
processes every address gets each event once. A message the mail server refuses for now (a 4xx
reply, or no answer) is tried again by the process that claimed it, after 30 s, 2 min, 10 min,
30 min and 2 h; one refused for good (5xx), or still refused after the last try, is recorded as
failed (`GET /api/v1/notification-failures`, `laddnet notify failures`) and logged.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from laddnet.domain.errors import InvalidInput, StorageUnavailable, UnknownSite
from laddnet.domain.events import Event, EventType
from laddnet.domain.ids import SiteId
from laddnet.domain.maintenance.alerts import Severity
from laddnet.domain.maintenance.notify import (
    Notice,
    Recipient,
    message,
    permanent,
    retry_after,
    wants,
)
from laddnet.ports import Clock, Database, EventBus, Mailer, UnitOfWork

log = logging.getLogger(__name__)

_WATCHED = frozenset(
    {EventType.ALERT_OPENED.value, EventType.ALERT_CLOSED.value, EventType.TICKET_CHANGED.value}
)


def notice(event: Event) -> Notice | None:
    """The notice an event makes, if it is one worth an e-mail."""
    if event.type not in _WATCHED or event.station_id is None:
        return None
    d = event.data
    if event.type == EventType.TICKET_CHANGED.value:
        who = d.get("assignee") or "unassigned"
        line = (
            f"ticket {d.get('id')} {d.get('change')}: {event.station_id} ({d.get('cause')},"
            f" {d.get('priority')}, {who})"
        )
        return Notice(event.id, event.type, event.station_id, d.get("site_id"), Severity.INFO, line)
    where = f" EVSE {d.get('evse_id')}/{d.get('connector_id')}" if d.get("evse_id") else ""
    if event.type == EventType.ALERT_OPENED.value:
        line = f"alert opened: {event.station_id}{where} {d.get('kind')} ({d.get('severity')})"
    else:
        line = f"alert closed: {event.station_id}{where} {d.get('kind')}: {d.get('close_reason')}"
    severity = Severity(d.get("severity", Severity.WARNING.value))
    return Notice(event.id, event.type, event.station_id, d.get("site_id"), severity, line)


def smtp_code(exc: BaseException) -> int | None:
    """The SMTP reply code that refused a message (the lowest of the recipients' when several
    were refused: one temporary refusal is worth another try), or None: no reply."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [int(code) for code, _ in exc.recipients.values()]
        return min(codes) if codes else None
    if isinstance(exc, smtplib.SMTPResponseException):
        return int(exc.smtp_code)
    return None


@dataclass
class _Retry:
    due: datetime
    attempts: int  # tries so far
    recipient: Recipient
    notices: list[Notice]


class Notifier:
    def __init__(
        self, db: Database, clock: Clock, bus: EventBus, mailer: Mailer | None, *, window: float
    ) -> None:
        self._db = db
        self._clock = clock
        self._bus = bus
        self._mailer = mailer
        self._window = window
        self._pending: list[Notice] = []
        self._retries: list[_Retry] = []
        self._unsubscribe: Callable[[], None] | None = None
        self.sent = 0  # read by tests
        self.failed = 0  # read by tests

    def listen(self, event: Event) -> None:
        found = notice(event)
        if found is not None:
            self._pending.append(found)

    async def run(self) -> None:
        if self._mailer is None:
            return  # no LADDNET_SMTP_URL: nothing to send
        self._unsubscribe = self._bus.subscribe(self.listen)
        try:
            while True:
                await asyncio.sleep(self._window)
                try:
                    await self.flush()
                except StorageUnavailable:
                    log.warning("notifications: database unavailable; retrying")
        finally:
            self._unsubscribe()

    async def flush(self) -> None:
        """Send what the window collected, one message per recipient, and the messages whose
        next try is due."""
        await self._retry_due()
        notices, self._pending = self._pending, []
        if not notices or self._mailer is None:
            return
        recipients = await self._db.read(lambda uow: uow.notifications.recipients())
        for recipient in recipients:
            mine = [n for n in notices if wants(recipient, n)]
            if mine:
                await self._send(recipient, mine)

    async def _send(self, recipient: Recipient, notices: list[Notice]) -> None:
        assert self._mailer is not None
        now = self._clock.now()
        ids = [n.event_id for n in notices]
        claimed = set(await self._db.write(lambda uow: _claim(uow, ids, recipient.email, now)))
        mine = [n for n in notices if n.event_id in claimed]
        if mine:
            await self._try(recipient, mine, 1)

    async def _retry_due(self) -> None:
        now = self._clock.now()
        due = [r for r in self._retries if r.due <= now]
        self._retries = [r for r in self._retries if r.due > now]
        for r in due:
            await self._try(r.recipient, r.notices, r.attempts + 1)

    async def _try(self, recipient: Recipient, notices: list[Notice], attempt: int) -> None:
        """Send one message (the `attempt`-th try); on a refusal, schedule the next try or
        record the failure."""
        assert self._mailer is not None
        subject, body = message(notices)
        ids = [n.event_id for n in notices]
        try:
            await self._mailer.send(recipient.email, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            code = smtp_code(exc)
            error = f"{code or type(exc).__name__}: {exc}"
            delay = None if permanent(code) else retry_after(attempt)
            status = "failed" if delay is None else "retrying"
            log.warning(
                "notifications: could not mail %s (try %d, %s): %s",
                recipient.email,
                attempt,
                status,
                error,
            )
            await self._db.write(
                lambda uow: uow.notifications.record(ids, recipient.email, status, attempt, error)
            )
            if delay is None:
                self.failed += 1
            else:
                due = self._clock.now() + timedelta(seconds=delay)
                self._retries.append(_Retry(due, attempt, recipient, notices))
            return
        if attempt > 1:
            await self._db.write(
                lambda uow: uow.notifications.record(ids, recipient.email, "sent", attempt, None)
            )
        self.sent += 1

    async def failures(self, limit: int = 100) -> list[dict[str, object]]:
        """Messages given up on, newest first."""
        return await self._db.read(lambda uow: uow.notifications.failures(limit))


def _claim(uow: UnitOfWork, ids: list[int], email: str, now: datetime) -> list[int]:
    return uow.notifications.claim(ids, email, now)


class RecipientService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def add(
        self, email: str, site_id: str | None, min_severity: Severity, actor: str
    ) -> Recipient:
        if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
            raise InvalidInput(f"email: {email!r} is not an e-mail address")
        now = self._clock.now()

        def add(uow: UnitOfWork) -> Recipient:
            if site_id is not None and not uow.sites.exists(SiteId(site_id)):
                raise UnknownSite(f"site {site_id!r} not found")
            rid = uow.notifications.add_recipient(email, site_id, min_severity, actor, now)
            detail = {"site_id": site_id, "min_severity": min_severity.value}
            uow.audit.record(actor, "recipient.added", "recipient", str(rid), detail, now)
            return Recipient(rid, email, site_id, min_severity)

        return await self._db.write(add)

    async def list(self) -> list[Recipient]:
        return await self._db.read(lambda uow: uow.notifications.recipients())

    async def remove(self, recipient_id: int, actor: str) -> bool:
        now = self._clock.now()

        def remove(uow: UnitOfWork) -> bool:
            done = uow.notifications.delete_recipient(recipient_id)
            if done:
                uow.audit.record(
                    actor, "recipient.removed", "recipient", str(recipient_id), {}, now
                )
            return done

        return await self._db.write(remove)
