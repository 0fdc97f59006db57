"""E-mail over SMTP (`LADDNET_SMTP_URL`: smtp://[user:password@]host[:port][?starttls=true]),
sent with the standard library's client in a thread, with a timeout."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from laddnet.domain.errors import InvalidInput


class SmtpMailer:
    def __init__(self, url: str, sender: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InvalidInput("LADDNET_SMTP_URL: expected smtp://[user:password@]host[:port]")
        self._host = parts.hostname
        self._port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self._tls = parts.scheme == "smtps"
        self._starttls = parse_qs(parts.query).get("starttls", ["false"])[0] == "true"
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender
        self._timeout = timeout

    async def send(self, to: str, subject: str, body: str) -> None:
        """Send one message; OSError or smtplib.SMTPException if the server refuses it."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, to, subject
        message.set_content(body)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        kind = smtplib.SMTP_SSL if self._tls else smtplib.SMTP
        with kind(self._host, self._port, timeout=self._timeout) as smtp:
            if self._starttls:
                smtp.starttls()
            if self._user is not None and self._password is not None:
                smtp.login(self._user, self._password)
            smtp.send_message(message)
