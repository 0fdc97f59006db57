"""POST/PATCH/DELETE /api/v1/stations and GET /api/v1/stations/{id}/status-history over HTTP,
on SQLite and PostgreSQL. The password never comes back, nor reaches the audit log."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.errors import UnknownStation
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    AvailabilityReport,
    ConnectorStatus,
    StatusReport,
)

PASSWORD = "station-password-0001"
NEW_PASSWORD = "a-brand-new-password-42"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def actor_of(key: str) -> str:
    return f"apikey:{key.split('_')[1]}"


async def audit(container: Container, station_id: str) -> list[dict[str, Any]]:
    return await container.database.read(
        lambda uow: uow.audit.entries(target_type="station", target_id=station_id)
    )


@pytest.fixture
async def site(client: httpx.AsyncClient) -> str:
    body = {"id": "depot", "name": "Depot", "time_zone": "Europe/Stockholm"}
    assert (await client.post("/api/v1/sites", json=body)).status_code == 201
    return "depot"


@pytest.fixture
async def viewer(base_url: str, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    key = await container.api_keys.create("viewer")
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        yield client


async def test_post_registers_a_station_that_can_log_in(
    client: httpx.AsyncClient, container: Container, admin_key: str, site: str
) -> None:
    body = {"id": "CP-1", "password": PASSWORD, "site_id": site, "display_name": "Bay 1"}
    response = await client.post("/api/v1/stations", json=body)

    assert response.status_code == 201, response.text
    station = response.json()
    assert (station["id"], station["site_id"], station["display_name"]) == ("CP-1", site, "Bay 1")
    assert station["decommissioned_at"] is None
    assert PASSWORD not in response.text
    assert await container.stations.authenticate(StationId("CP-1"), PASSWORD)
    [entry] = await audit(container, "CP-1")
    assert (entry["actor"], entry["action"]) == (actor_of(admin_key), "station.created")
    assert entry["detail"] == {"site_id": site, "display_name": "Bay 1"}
    assert (await client.get(f"/api/v1/sites/{site}")).json()["station_ids"] == ["CP-1"]


async def test_post_with_generate_password_answers_the_drawn_password_once(
    client: httpx.AsyncClient, container: Container, site: str
) -> None:
    body = {"id": "CP-1", "generate_password": True, "site_id": site, "security_profile": 2}
    response = await client.post("/api/v1/stations", json=body)

    assert response.status_code == 201, response.text
    station = response.json()
    password = station["password"]
    assert len(password) == 20
    assert (station["site_id"], station["security_profile"]) == (site, 2)
    assert await container.stations.authenticate(StationId("CP-1"), password)
    again = await client.get("/api/v1/stations/CP-1")
    assert again.status_code == 200
    assert password not in again.text
    assert "password" not in again.json()
    [entry] = await audit(container, "CP-1")
    assert password not in json.dumps(entry, default=str)


async def test_post_with_a_chosen_password_answers_no_password(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})

    assert response.status_code == 201, response.text
    assert response.json()["password"] is None


async def test_post_a_taken_id_is_409(client: httpx.AsyncClient) -> None:
    body = {"id": "CP-1", "password": PASSWORD}
    assert (await client.post("/api/v1/stations", json=body)).status_code == 201
    again = await client.post("/api/v1/stations", json=body)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "station CP-1 already exists"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "CP-1", "password": PASSWORD, "site_id": "nowhere"}, "site_id"),
        ({"id": "CP-1", "password": "too-short-pw"}, "password"),
        ({"id": "CP-1", "password": "x" * 41}, "password"),
        ({"id": "CP-1", "password": "ab" * 10}, "password has too little variety"),
        ({"id": "CP:1", "password": PASSWORD}, "station id"),
        ({"id": "", "password": PASSWORD}, "id"),
        ({"id": "CP-1", "password": PASSWORD, "vendor": "Acme"}, "vendor"),
        ({"id": "CP-1"}, "password"),
        ({"id": "CP-1", "password": PASSWORD, "generate_password": True}, "generate_password"),
    ],
)
async def test_post_invalid_is_422_naming_the_field_without_the_password(
    client: httpx.AsyncClient, container: Container, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/stations", json=body)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert field in message
    assert body.get("password", "\0") not in message
    assert await container.queries.station(StationId("CP-1")) is None


async def test_patch_moves_renames_and_unassigns(
    client: httpx.AsyncClient, container: Container, site: str
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})

    moved = await client.patch("/api/v1/stations/CP-1", json={"site_id": site})
    assert (moved.json()["site_id"], moved.json()["display_name"]) == (site, None)
    renamed = await client.patch("/api/v1/stations/CP-1", json={"display_name": "Bay 7"})
    assert (renamed.json()["site_id"], renamed.json()["display_name"]) == (site, "Bay 7")
    off = await client.patch("/api/v1/stations/CP-1", json={"site_id": None})
    assert (off.json()["site_id"], off.json()["display_name"]) == (None, "Bay 7")

    details = [e["detail"] for e in await audit(container, "CP-1")]
    assert details[:3] == [{"site_id": None}, {"display_name": "Bay 7"}, {"site_id": site}]


async def test_patch_a_password_takes_effect_and_is_never_recorded(
    client: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    sid = StationId("CP-1")
    assert await container.stations.authenticate(sid, PASSWORD)

    response = await client.patch("/api/v1/stations/CP-1", json={"password": NEW_PASSWORD})

    assert response.status_code == 200
    assert NEW_PASSWORD not in response.text
    assert not await container.stations.authenticate(sid, PASSWORD)
    assert await container.stations.authenticate(sid, NEW_PASSWORD)
    entry = (await audit(container, "CP-1"))[0]
    assert entry["detail"] == {"password_changed": True}
    assert NEW_PASSWORD not in json.dumps(entry, default=str)
    kinds = [e["kind"] for e in await container.queries.security_events()]
    assert "password_changed" in kinds


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({"site_id": "nowhere"}, 422, "site_id: there is no site 'nowhere'"),
        ({"password": "short"}, 422, "password"),
        ({"display_name": "   "}, 422, "display_name"),
        ({"id": "CP-2"}, 422, "'id'"),
    ],
)
async def test_patch_invalid_is_422_and_changes_nothing(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, text: str
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    before = await client.get("/api/v1/stations/CP-1")
    response = await client.patch("/api/v1/stations/CP-1", json=body)
    assert response.status_code == status
    assert text in response.json()["error"]["message"]
    assert (await client.get("/api/v1/stations/CP-1")).json() == before.json()


async def test_unknown_station_is_404_for_patch_delete_and_history(
    client: httpx.AsyncClient,
) -> None:
    for response in (
        await client.patch("/api/v1/stations/NOPE", json={"display_name": "x"}),
        await client.delete("/api/v1/stations/NOPE"),
        await client.get("/api/v1/stations/NOPE/status-history"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "station 'NOPE' not found"


async def test_decommissioning_keeps_the_station_readable_but_out_of_lists_and_logins(
    client: httpx.AsyncClient, container: Container, admin_key: str
) -> None:
    for sid in ("CP-1", "CP-2"):
        await client.post("/api/v1/stations", json={"id": sid, "password": PASSWORD})

    response = await client.delete("/api/v1/stations/CP-1")

    assert response.status_code == 200, response.text
    decommissioned_at = response.json()["decommissioned_at"]
    assert decommissioned_at is not None
    listed = (await client.get("/api/v1/stations")).json()
    assert ([s["id"] for s in listed["items"]], listed["total"]) == (["CP-2"], 1)
    everything = (await client.get("/api/v1/stations?include_decommissioned=true")).json()
    assert [s["id"] for s in everything["items"]] == ["CP-1", "CP-2"]
    assert everything["total"] == 2
    shown = (await client.get("/api/v1/stations/CP-1")).json()
    assert shown["decommissioned_at"] == decommissioned_at
    with pytest.raises(UnknownStation):
        await container.stations.authenticate(StationId("CP-1"), PASSWORD)
    entry = (await audit(container, "CP-1"))[0]
    assert (entry["actor"], entry["action"]) == (actor_of(admin_key), "station.decommissioned")

    again = await client.delete("/api/v1/stations/CP-1")
    assert again.status_code == 409
    assert "already decommissioned" in again.json()["error"]["message"]
    taken = await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    assert taken.status_code == 409


async def test_a_viewer_may_not_register_change_or_decommission(
    client: httpx.AsyncClient, viewer: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    for response in (
        await viewer.post("/api/v1/stations", json={"id": "CP-2", "password": PASSWORD}),
        await viewer.patch("/api/v1/stations/CP-1", json={"password": NEW_PASSWORD}),
        await viewer.delete("/api/v1/stations/CP-1"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert (await viewer.get("/api/v1/stations/CP-1/status-history")).status_code == 200
    assert await container.stations.authenticate(StationId("CP-1"), PASSWORD)
    assert len(await audit(container, "CP-1")) == 1


async def test_without_a_key_the_new_station_routes_are_401(
    anonymous: httpx.AsyncClient,
) -> None:
    for method, path in [
        ("POST", "/api/v1/stations"),
        ("PATCH", "/api/v1/stations/CP-1"),
        ("DELETE", "/api/v1/stations/CP-1"),
        ("GET", "/api/v1/stations/CP-1/status-history"),
    ]:
        assert (await anonymous.request(method, path, json={})).status_code == 401


async def _report(container: Container, evse: int, status: ConnectorStatus, at: datetime) -> None:
    sid = StationId("CP-1")
    if evse == 0:
        await container.stations.report_status(
            AvailabilityReport(sid, WHOLE_STATION, status, None, at)
        )
        return
    report = StatusReport(sid, EvseId(evse), ConnectorId(1), status, None, None, at)
    await container.stations.report_status(report)


async def test_status_history_is_newest_first_and_filtered(
    client: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    minute = timedelta(minutes=1)
    await _report(container, 1, ConnectorStatus.AVAILABLE, T0)
    await _report(container, 2, ConnectorStatus.AVAILABLE, T0 + minute)
    await _report(container, 1, ConnectorStatus.OCCUPIED, T0 + 2 * minute)
    await _report(container, 0, ConnectorStatus.UNAVAILABLE, T0 + 3 * minute)
    url = "/api/v1/stations/CP-1/status-history"

    body = (await client.get(url)).json()
    assert [(c["evse_id"], c["connector_id"], c["status"]) for c in body["items"]] == [
        (0, 0, "Unavailable"),
        (1, 1, "Occupied"),
        (2, 1, "Available"),
        (1, 1, "Available"),
    ]
    assert body["total"] == 4
    assert body["items"][0]["reported_at"] == "2025-03-01T08:03:00+00:00"
    evse1 = (await client.get(url, params={"evse_id": 1})).json()
    assert [c["status"] for c in evse1["items"]] == ["Occupied", "Available"]
    window = {"since": "2025-03-01T09:01:00+01:00", "until": "2025-03-01T08:03:00Z"}
    windowed = (await client.get(url, params=window)).json()
    assert [c["reported_at"][11:16] for c in windowed["items"]] == ["08:02", "08:01"]
    paged = (await client.get(url, params={"limit": 1, "offset": 1})).json()
    assert ([c["status"] for c in paged["items"]], paged["total"]) == (["Occupied"], 4)


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"since": "2025-03-01T08:00:00"}, "query parameter 'since': must carry a timezone"),
        ({"since": "2025-03-02T00:00:00Z", "until": "2025-03-01T00:00:00Z"}, "'until' is before"),
        ({"evse_id": -1}, "query parameter 'evse_id'"),
    ],
)
async def test_status_history_bad_parameters_are_422(
    client: httpx.AsyncClient, params: dict[str, Any], text: str
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-1", "password": PASSWORD})
    response = await client.get("/api/v1/stations/CP-1/status-history", params=params)
    assert response.status_code == 422
    assert text in response.json()["error"]["message"]
