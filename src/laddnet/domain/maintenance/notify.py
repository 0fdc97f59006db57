"""Who hears of alerts and ticket changes by e-mail, and how many changes make one message.

Recipients subscribe per site (or every site) from a severity up. Notices collected over a
short window go to each recipient as one message: a site losing power is one e-mail listing
forty alerts, not forty e-mails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from laddnet.domain.maintenance.alerts import Severity

RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    email: str
    site_id: str | None  # None: every site
    min_severity: Severity


@dataclass(frozen=True, slots=True)
class Notice:
    """One event worth an e-mail: an alert opened or closed, a ticket changed."""

    event_id: int
    kind: str  # the event type: alert.opened, alert.closed, ticket.changed
    station_id: str
    site_id: str | None
    severity: Severity
    line: str  # what happened, in one line


def wants(recipient: Recipient, notice: Notice) -> bool:
    site_ok = recipient.site_id is None or recipient.site_id == notice.site_id
    return site_ok and RANK[notice.severity] >= RANK[recipient.min_severity]


def message(notices: Sequence[Notice]) -> tuple[str, str]:
    """The subject and body of one e-mail about `notices` (at least one)."""
    opened = sum(1 for n in notices if n.kind == "alert.opened")
    stations = sorted({n.station_id for n in notices})
    if len(notices) == 1:
        subject = f"Laddnet: {notices[0].line}"
    elif opened:
        where = stations[0] if len(stations) == 1 else f"{len(stations)} stations"
        subject = (
            f"Laddnet: {opened} alerts opened at {where} (and {len(notices) - opened} more changes)"
        )
        if opened == len(notices):
            subject = f"Laddnet: {opened} alerts opened at {where}"
    else:
        subject = f"Laddnet: {len(notices)} changes at {len(stations)} stations"
    body = "\n".join(f"- {n.line}" for n in notices) + "\n"
    return subject, body


# Seconds before each new try of a message the mail server refused for now (4xx, or no
# answer); once spent, the message is recorded as failed.
RETRY_SCHEDULE: tuple[float, ...] = (30.0, 120.0, 600.0, 1800.0, 7200.0)


def permanent(code: int | None) -> bool:
    """Whether an SMTP reply code refuses for good (5xx). None (no reply: the server was
    unreachable or hung up) and 4xx are worth another try."""
    return code is not None and 500 <= code < 600


def retry_after(attempts: int, schedule: tuple[float, ...] = RETRY_SCHEDULE) -> float | None:
    """Seconds to wait after `attempts` failed tries, or None: give up."""
    if attempts < 1 or attempts > len(schedule):
        return None
    return schedule[attempts - 1]
