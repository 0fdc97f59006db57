"""Webhook requests over HTTP(S) with httpx: one client of its own, a timeout on every request."""

from __future__ import annotations

import httpx

from laddnet.domain.errors import WebhookUnreachable


class HttpxWebhookSender:
    """POSTs webhook bodies. Redirects are not followed (a receiver's URL is what it
    registered); the connection pool is bounded like the sending concurrency."""

    def __init__(self, timeout: float, max_connections: int) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections),
            follow_redirects=False,
            headers={"User-Agent": "Laddnet-Webhooks/1"},
        )

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            raise WebhookUnreachable("timed out") from None
        except httpx.HTTPError as exc:
            raise WebhookUnreachable(f"{type(exc).__name__}: no answer") from None
        return response.status_code

    async def aclose(self) -> None:
        await self._client.aclose()
