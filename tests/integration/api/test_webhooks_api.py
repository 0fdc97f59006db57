"""Webhooks over real HTTP: subscriptions through the API, signed deliveries to a real local
receiver, retries with recorded attempts, and the write-role and validation errors."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId

Serve = Callable[[FastAPI], AbstractAsyncContextManager[str]]


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    """Fast retries (0.2 s, then 0.2 s, then give up: 3 attempts) and polling."""
    settings = Settings(
        database_url=database_url, webhook_retry_schedule=(0.2, 0.2), events_poll_interval=0.1
    )
    c = build(settings)
    try:
        yield c
    finally:
        await c.aclose()


class Receiver:
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses  # answers in turn; the last one repeats
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.app = FastAPI()
        self.app.add_api_route("/hook", self.hook, methods=["POST"])

    async def hook(self, request: Request) -> Response:
        self.requests.append((dict(request.headers), await request.body()))
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        return Response(status_code=status)

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(10):
            while len(self.requests) < count:
                await asyncio.sleep(0.02)


async def _subscribe(client: httpx.AsyncClient, url: str, events: list[str]) -> dict[str, Any]:
    response = await client.post("/api/v1/webhooks", json={"url": url, "events": events})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _deliveries(client: httpx.AsyncClient, hook_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/webhooks/{hook_id}/deliveries")
    assert response.status_code == 200
    result: list[dict[str, Any]] = response.json()
    return result


async def _settled(client: httpx.AsyncClient, hook_id: int) -> list[dict[str, Any]]:
    async with asyncio.timeout(10):
        while True:
            rows = await _deliveries(client, hook_id)
            if rows and all(d["status"] != "pending" for d in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_an_event_is_posted_signed_to_a_subscribed_receiver(
    container: Container, client: httpx.AsyncClient, serve: Serve
) -> None:
    receiver = Receiver([200])
    async with serve(receiver.app) as receiver_url:
        hook = await _subscribe(client, f"{receiver_url}/hook", ["station.connected"])
        assert hook["secret"].startswith("whsec_")
        assert hook["events"] == ["station.connected"]
        await container.events.start()
        await container.stations.set_presence(StationId("CP-1"), False, None)  # not subscribed
        await container.stations.set_presence(StationId("CP-1"), True, "2.0.1")
        await receiver.wait(1)
        rows = await _settled(client, hook["id"])
    ((headers, body),) = receiver.requests
    event = json.loads(body)
    assert event["type"] == "station.connected" and event["station_id"] == "CP-1"
    assert event["data"]["ocpp_version"] == "2.0.1"
    assert headers["content-type"] == "application/json"
    assert headers["laddnet-event-id"] == str(event["id"])
    signed = f"{headers['laddnet-timestamp']}.".encode() + body
    expected = hmac.new(hook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert headers["laddnet-signature"] == f"v1={expected}"
    (delivery,) = rows
    assert delivery["event_id"] == event["id"]
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == (
        "delivered",
        1,
        200,
    )


async def test_a_failing_receiver_is_retried_then_given_up_with_each_attempt_recorded(
    container: Container, client: httpx.AsyncClient, serve: Serve
) -> None:
    flaky = Receiver([500, 503, 200])
    dead = Receiver([500])
    async with serve(flaky.app) as flaky_url, serve(dead.app) as dead_url:
        first = await _subscribe(client, f"{flaky_url}/hook", ["*"])
        second = await _subscribe(client, f"{dead_url}/hook", ["station.connected"])
        await container.events.start()
        await container.stations.set_presence(StationId("CP-1"), True, "1.6")
        recovered = await _settled(client, first["id"])
        given_up = await _settled(client, second["id"])
    assert [(d["status"], d["attempts"], d["response_status"]) for d in recovered] == [
        ("delivered", 3, 200)
    ]
    assert [(d["status"], d["attempts"], d["error"]) for d in given_up] == [
        ("failed", 3, "HTTP 500")
    ]
    assert len(flaky.requests) == 3 and len(dead.requests) == 3
    ids = {h["laddnet-event-id"] for h, _ in flaky.requests}
    assert len(ids) == 1  # the same event each time


async def test_an_unreachable_receiver_records_the_error(
    container: Container, client: httpx.AsyncClient
) -> None:
    hook = await _subscribe(client, "http://127.0.0.1:9/hook", ["*"])  # nothing listens
    await container.events.start()
    await container.stations.set_presence(StationId("CP-1"), True, "1.6")
    (delivery,) = await _settled(client, hook["id"])
    assert delivery["status"] == "failed" and delivery["response_status"] is None
    assert "no answer" in delivery["error"]


async def test_subscriptions_are_listed_read_and_deleted_without_their_secret(
    container: Container, client: httpx.AsyncClient
) -> None:
    hook = await _subscribe(client, "https://example.com/laddnet", ["session.started", "*"])
    assert hook["events"] == ["*"]
    listed = (await client.get("/api/v1/webhooks")).json()
    assert [h["id"] for h in listed] == [hook["id"]]
    one = (await client.get(f"/api/v1/webhooks/{hook['id']}")).json()
    assert "secret" not in one and "secret" not in listed[0]
    assert (await client.delete(f"/api/v1/webhooks/{hook['id']}")).status_code == 204
    assert (await client.get(f"/api/v1/webhooks/{hook['id']}")).status_code == 404
    assert (await client.delete(f"/api/v1/webhooks/{hook['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries")).status_code == 404
    audit = await container.database.read(lambda uow: uow.audit.entries(target_type="webhook"))
    assert [a["action"] for a in audit] == ["webhook.delete", "webhook.create"]
    assert hook["secret"] not in json.dumps(audit, default=str)
    assert all(a["actor"].startswith("apikey:") for a in audit)


async def test_a_viewer_may_read_webhooks_but_not_create_or_delete_them(
    container: Container, base_url: str
) -> None:
    key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as viewer:
        body = {"url": "https://example.com/hook", "events": ["*"]}
        assert (await viewer.post("/api/v1/webhooks", json=body)).status_code == 403
        assert (await viewer.get("/api/v1/webhooks")).status_code == 200
        assert (await viewer.delete("/api/v1/webhooks/1")).status_code == 403
        assert (await viewer.get("/api/v1/events", params={"types": "nope"})).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"url": "ftp://example.com/hook", "events": ["*"]},
        {"url": "not a url", "events": ["*"]},
        {"url": "https://example.com/hook", "events": ["station.exploded"]},
        {"url": "https://example.com/hook", "events": []},
    ],
)
async def test_a_bad_url_or_event_type_is_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"]
