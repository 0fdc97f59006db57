"""E-mail notifications: alerts and ticket changes to the recipients of their site and
severity, collected over a window and sent as one message per recipient (a digest).

Each (event, address) is claimed in the database before its message leaves, so with several
processes every address gets each event once; a message the mail server refuses is logged and
not retried (at most once, unlike webhooks, which retry).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime

from laddnet.domain.errors import InvalidInput, StorageUnavailable, UnknownSite
from laddnet.domain.events import Event, EventType
from laddnet.domain.ids import SiteId
from laddnet.domain.maintenance.alerts import Severity
from laddnet.domain.maintenance.notify import Notice, Recipient, message, wants
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
        self._unsubscribe: Callable[[], None] | None = None
        self.sent = 0  # read by tests

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
        """Send what the window collected: one message per recipient."""
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
        if not mine:
            return
        subject, body = message(mine)
        try:
            await self._mailer.send(recipient.email, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("notifications: could not mail %s: %s", recipient.email, exc)
            return
        self.sent += 1


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
