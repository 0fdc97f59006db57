"""/api/v1/sites over HTTP, on SQLite and PostgreSQL: create, read, change, delete, audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId

SITE: dict[str, Any] = {
    "id": "sthlm-1",
    "name": "Stockholm depot",
    "time_zone": "Europe/Stockholm",
    "address": "Drottninggatan 1",
    "postal_code": "111 51",
    "city": "Stockholm",
    "country": "SE",
    "latitude": "59.3293230",
    "longitude": "18.068581",
    "opening_hours": {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 1, "period_begin": "08:00", "period_end": "20:00"}],
    },
}


def actor_of(key: str) -> str:
    return f"apikey:{key.split('_')[1]}"


async def audit(container: Container, target_id: str) -> list[dict[str, Any]]:
    return await container.database.read(
        lambda uow: uow.audit.entries(target_type="site", target_id=target_id)
    )


@pytest.fixture
async def viewer(base_url: str, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        yield client


async def test_create_then_get_returns_every_field_exactly(
    client: httpx.AsyncClient, container: Container, admin_key: str
) -> None:
    created = await client.post("/api/v1/sites", json=SITE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in SITE} == SITE  # coordinates kept as sent, trailing zero too
    assert body["station_ids"] == []
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("+00:00")
    assert (await client.get("/api/v1/sites/sthlm-1")).json() == body

    [entry] = await audit(container, "sthlm-1")
    assert (entry["actor"], entry["action"]) == (actor_of(admin_key), "site.created")
    assert entry["detail"]["time_zone"] == "Europe/Stockholm"


async def test_without_an_id_one_is_generated(client: httpx.AsyncClient) -> None:
    body = {"name": "Anywhere", "time_zone": "UTC"}
    first = (await client.post("/api/v1/sites", json=body)).json()
    second = (await client.post("/api/v1/sites", json=body)).json()
    assert first["id"] and second["id"] and first["id"] != second["id"]
    assert first["country"] is None and first["opening_hours"] is None


async def test_a_taken_id_is_409(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/sites", json=SITE)).status_code == 201
    again = await client.post("/api/v1/sites", json={**SITE, "name": "Other"})
    assert again.status_code == 409
    assert again.json()["error"] == {"code": "conflict", "message": "site sthlm-1 already exists"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Europe/Stokholm"}, "time_zone"),
        ({"country": "XX"}, "country"),
        ({"latitude": "91.0"}, "latitude"),
        ({"latitude": 59.3, "longitude": 18.0}, "latitude"),  # numbers: floats are not exact
        ({"longitude": None}, "latitude and longitude"),
        ({"opening_hours": {"twentyfourseven": False}}, "opening_hours.regular_hours"),
        ({"opening_hours": {"twentyfourseven": True, "open": 1}}, "opening_hours.open"),
        ({"colour": "red"}, "colour"),
        ({"name": ""}, "name"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, container: Container, change: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/sites", json={**SITE, **change})
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]
    assert (await client.get("/api/v1/sites/sthlm-1")).status_code == 404
    assert await audit(container, "sthlm-1") == []


async def test_list_is_paginated_and_shows_the_stations_on_each_site(
    client: httpx.AsyncClient, container: Container
) -> None:
    for sid in ("b", "a", "c"):
        await client.post("/api/v1/sites", json={"id": sid, "name": sid, "time_zone": "UTC"})
    await container.stations.add_station(StationId("CP-2"), "station-password-0001")
    await container.stations.add_station(StationId("CP-1"), "station-password-0001")
    for station in ("CP-2", "CP-1"):
        await client.patch(f"/api/v1/stations/{station}", json={"site_id": "a"})

    first = (await client.get("/api/v1/sites", params={"limit": 2})).json()
    second = (await client.get("/api/v1/sites", params={"limit": 2, "offset": 2})).json()

    assert [s["id"] for s in first["items"]] == ["a", "b"]
    assert first["items"][0]["station_ids"] == ["CP-1", "CP-2"]
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [s["id"] for s in second["items"]] == ["c"]


async def test_patch_changes_only_the_fields_sent_and_null_clears(
    client: httpx.AsyncClient, container: Container
) -> None:
    created = (await client.post("/api/v1/sites", json=SITE)).json()
    response = await client.patch(
        "/api/v1/sites/sthlm-1",
        json={"city": "Solna", "address": None, "opening_hours": {"twentyfourseven": True}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["city"] == "Solna" and body["address"] is None
    assert body["opening_hours"] == {"twentyfourseven": True, "regular_hours": []}
    assert body["name"] == SITE["name"] and body["latitude"] == SITE["latitude"]
    assert body["updated_at"] >= created["updated_at"]

    entry = (await audit(container, "sthlm-1"))[0]
    assert entry["action"] == "site.updated"
    assert entry["detail"] == {
        "address": None,
        "city": "Solna",
        "opening_hours": {"twentyfourseven": True, "regular_hours": []},
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": None}, "name"), ({"time_zone": "CET+1"}, "time_zone"), ({"id": "x"}, "id")],
)
async def test_a_bad_patch_is_422_and_changes_nothing(
    client: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    created = (await client.post("/api/v1/sites", json=SITE)).json()
    response = await client.patch("/api/v1/sites/sthlm-1", json=change)
    assert response.status_code == 422
    assert field in response.json()["error"]["message"]
    assert (await client.get("/api/v1/sites/sthlm-1")).json() == created


async def test_unknown_site_is_404(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/api/v1/sites/nope"),
        await client.patch("/api/v1/sites/nope", json={"city": "x"}),
        await client.delete("/api/v1/sites/nope"),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "not_found", "message": "site 'nope' not found"}


async def test_delete_is_refused_while_stations_are_on_the_site(
    client: httpx.AsyncClient, container: Container, admin_key: str
) -> None:
    await client.post("/api/v1/sites", json=SITE)
    station = {"id": "CP-1", "password": "station-password-0001", "site_id": "sthlm-1"}
    assert (await client.post("/api/v1/stations", json=station)).status_code == 201

    refused = await client.delete("/api/v1/sites/sthlm-1")
    assert refused.status_code == 409
    assert "CP-1" in refused.json()["error"]["message"]

    await client.patch("/api/v1/stations/CP-1", json={"site_id": None})
    deleted = await client.delete("/api/v1/sites/sthlm-1")
    assert deleted.status_code == 204
    assert (await client.get("/api/v1/sites/sthlm-1")).status_code == 404
    entry = (await audit(container, "sthlm-1"))[0]
    assert (entry["actor"], entry["action"]) == (actor_of(admin_key), "site.deleted")


async def test_a_decommissioned_station_does_not_hold_its_site(
    client: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/sites", json=SITE)
    station = {"id": "CP-1", "password": "station-password-0001", "site_id": "sthlm-1"}
    await client.post("/api/v1/stations", json=station)
    assert (await client.delete("/api/v1/stations/CP-1")).status_code == 200

    assert (await client.get("/api/v1/sites/sthlm-1")).json()["station_ids"] == []
    assert (await client.delete("/api/v1/sites/sthlm-1")).status_code == 204
    assert (await client.get("/api/v1/stations/CP-1")).json()["site_id"] is None


async def test_a_viewer_reads_but_may_not_write(
    client: httpx.AsyncClient, viewer: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/sites", json=SITE)
    assert (await viewer.get("/api/v1/sites")).status_code == 200
    assert (await viewer.get("/api/v1/sites/sthlm-1")).status_code == 200
    for response in (
        await viewer.post("/api/v1/sites", json={**SITE, "id": "other"}),
        await viewer.patch("/api/v1/sites/sthlm-1", json={"city": "x"}),
        await viewer.delete("/api/v1/sites/sthlm-1"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert len(await audit(container, "sthlm-1")) == 1  # the admin's creation only


async def test_without_a_key_every_site_route_is_401(anonymous: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/api/v1/sites"),
        ("POST", "/api/v1/sites"),
        ("GET", "/api/v1/sites/x"),
        ("PATCH", "/api/v1/sites/x"),
        ("DELETE", "/api/v1/sites/x"),
    ]:
        response = await anonymous.request(method, path, json={})
        assert response.status_code == 401, (method, path)
