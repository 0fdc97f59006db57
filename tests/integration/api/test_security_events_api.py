"""GET /api/v1/security-events over HTTP, on SQLite and PostgreSQL: newest first, filtered by
station and kind, for operator and admin keys only."""

from __future__ import annotations

import httpx

from laddnet.bootstrap import Container
from laddnet.domain.security.model import SecurityEventKind


async def test_security_events_newest_first_and_filtered(
    client: httpx.AsyncClient, container: Container
) -> None:
    record = container.stations.record_security_event
    await record(SecurityEventKind.BAD_CREDENTIALS, "CP-1", "wrong password", "10.0.0.7:5000")
    await record(SecurityEventKind.LOGIN_THROTTLED, "CP-1", "too many", "10.0.0.7:5001")
    await record(SecurityEventKind.BAD_CREDENTIALS, "CP-2", "wrong password", None)

    everything = (await client.get("/api/v1/security-events")).json()["items"]
    assert [(e["kind"], e["station_id"]) for e in everything] == [
        ("bad_credentials", "CP-2"),
        ("login_throttled", "CP-1"),
        ("bad_credentials", "CP-1"),
    ]
    assert everything[1]["remote_address"] == "10.0.0.7:5001"
    assert everything[1]["occurred_at"].endswith("+00:00")
    cp1 = (await client.get("/api/v1/security-events", params={"station_id": "CP-1"})).json()
    assert len(cp1["items"]) == 2
    bad = await client.get(
        "/api/v1/security-events", params={"kind": "bad_credentials", "limit": 1}
    )
    assert [e["station_id"] for e in bad.json()["items"]] == ["CP-2"]


async def test_unknown_kind_is_422_and_viewers_get_403(
    client: httpx.AsyncClient, base_url: str, container: Container
) -> None:
    assert (await client.get("/api/v1/security-events?kind=nonsense")).status_code == 422
    key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as viewer:
        refused = await viewer.get("/api/v1/security-events")
    assert refused.status_code == 403
    assert "operator or admin" in refused.text
