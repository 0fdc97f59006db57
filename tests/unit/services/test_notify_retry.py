"""Which refusals of the mail server are worth another try, and when."""

from __future__ import annotations

import smtplib

from laddnet.domain.maintenance.notify import RETRY_SCHEDULE, permanent, retry_after
from laddnet.services.maintenance.notifications import smtp_code


def test_5xx_is_for_good_4xx_and_no_answer_are_not() -> None:
    assert permanent(550)
    assert not permanent(451)
    assert not permanent(None)


def test_the_retry_schedule_then_giving_up() -> None:
    assert [retry_after(n) for n in range(1, len(RETRY_SCHEDULE) + 1)] == list(RETRY_SCHEDULE)
    assert retry_after(len(RETRY_SCHEDULE) + 1) is None
    assert retry_after(0) is None


def test_the_code_of_a_refusal() -> None:
    assert smtp_code(smtplib.SMTPDataError(451, b"later")) == 451
    refused = smtplib.SMTPRecipientsRefused({"a@x": (550, b"no"), "b@x": (452, b"full")})
    assert smtp_code(refused) == 452  # one temporary refusal: try again
    assert smtp_code(ConnectionRefusedError()) is None
    assert smtp_code(smtplib.SMTPServerDisconnected("gone")) is None
