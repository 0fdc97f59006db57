"""GET /api/v1/security-events: what an operator reviews, filtered, paged, not for viewers."""

from __future__ import annotations

import httpx

from laddnet.bootstrap import Container
from laddnet.domain.security.model import SecurityEventKind as K


async def _record(container: Container) -> None:
    record = container.stations.record_security_event
    await record(K.BAD_CREDENTIALS, "CP-1", "wrong password", "10.0.0.9:50000")
    await record(K.STRAY_RESPONSE, "CP-1", "CALLRESULT for message id 'x'", "10.0.0.9:50001")
    await record(K.IMPLAUSIBLE_TIME, "CP-2", "session 4: a station time is time_ahead_of_clock")


async def test_operator_lists_security_events_newest_first(
    container: Container, client: httpx.AsyncClient
) -> None:
    await _record(container)
    body = (await client.get("/api/v1/security-events")).json()
    assert body["total"] == 3
    assert [e["kind"] for e in body["items"]] == [
        "implausible_time",
        "stray_response",
        "bad_credentials",
    ]
    first = body["items"][2]
    assert (first["station_id"], first["remote_address"]) == ("CP-1", "10.0.0.9:50000")
    assert first["occurred_at"].endswith("+00:00")


async def test_filters_and_pages(container: Container, client: httpx.AsyncClient) -> None:
    await _record(container)
    by_station = (await client.get("/api/v1/security-events?station_id=CP-1&limit=1")).json()
    assert (by_station["total"], len(by_station["items"])) == (2, 1)
    by_kind = (await client.get("/api/v1/security-events?kind=stray_response")).json()
    assert [e["detail"] for e in by_kind["items"]] == ["CALLRESULT for message id 'x'"]
    unknown = await client.get("/api/v1/security-events?kind=nonsense")
    assert unknown.status_code == 422 and "'kind'" in unknown.json()["error"]["message"]


async def test_viewer_keys_may_not_read_them(
    container: Container, base_url: str, anonymous: httpx.AsyncClient
) -> None:
    key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {key}"}
    response = await anonymous.get("/api/v1/security-events", headers=headers)
    assert response.status_code == 403
    assert (await anonymous.get("/api/v1/security-events")).status_code == 401
