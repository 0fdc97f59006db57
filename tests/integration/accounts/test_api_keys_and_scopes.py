"""API keys with a role, a site scope and an expiry, created through the API (with step-up)
and listed without secrets; a site scope hides other sites' stations, sessions and events
(404 for single objects, as if they did not exist)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.sessions.commands import StartSession
from laddnet.domain.sites.model import SiteDetails
from tests.integration.accounts.conftest import MovableClock, People


@pytest.fixture
async def two_sites(container: Container, clock: MovableClock) -> dict[str, int]:
    """Sites north and south with a station each, and a session at each station."""
    sessions = {}
    for name in ("north", "south"):
        await container.sites.create_site(name, SiteDetails(name, "Europe/Stockholm"), "cli")
        station = StationId(f"CP-{name.upper()}")
        await container.station_admin.register_station(
            station, "station-password-01", actor="cli", site_id=SiteId(name)
        )
        start = StartSession(station, 1, 1, "TAG", Decimal(0), clock.now(), "1.6")
        sessions[name] = (await container.sessions.start_session(start)).session_id
    return sessions


async def keyed(base_url: str, key: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=15
    ) as http:
        yield http


async def test_an_admin_session_creates_a_scoped_expiring_key_shown_once(
    people: People, clock: MovableClock, two_sites: dict[str, int], base_url: str
) -> None:
    admin = await people.enrolled("admin@example.com", "admin")
    expires = (clock.now() + timedelta(days=1)).isoformat()
    body = {"role": "viewer", "sites": ["north"], "expires_at": expires, "label": "north board"}
    created = await admin.http.post("/api/v1/api-keys", json=body)
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert created.json()["sites"] == ["north"]
    assert created.json()["created_by"] == f"user:{admin.user_id}"
    listed = (await admin.http.get("/api/v1/api-keys")).json()
    assert [k["id"] for k in listed] == [created.json()["id"]]
    assert "key" not in listed[0] and key not in str(listed)
    assert listed[0]["last_used_at"] is None
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}
    ) as http:
        stations = (await http.get("/api/v1/stations")).json()
        assert [s["id"] for s in stations["items"]] == ["CP-NORTH"]
    listed = (await admin.http.get("/api/v1/api-keys")).json()
    assert listed[0]["last_used_at"] is not None
    clock.advance(days=1, seconds=1)
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}
    ) as http:
        assert (await http.get("/api/v1/stations")).status_code == 401  # expired


async def test_creating_a_key_needs_a_fresh_second_factor(
    people: People, clock: MovableClock
) -> None:
    admin = await people.enrolled("admin@example.com", "admin")
    clock.advance(minutes=6)
    refused = await admin.http.post("/api/v1/api-keys", json={"role": "viewer"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "step_up_required"
    wrong = await admin.http.post("/api/v1/me/mfa/verify", json={"code": "12345x"})
    assert wrong.status_code == 401
    fresh = await admin.http.post("/api/v1/me/mfa/verify", json={"code": admin.code(clock)})
    assert fresh.status_code == 204
    created = await admin.http.post("/api/v1/api-keys", json={"role": "viewer"})
    assert created.status_code == 201


async def test_changing_a_role_and_turning_2fa_off_need_step_up(
    people: People, clock: MovableClock, container: Container
) -> None:
    admin = await people.enrolled("admin@example.com", "admin")
    bo_id = await people.add("bo@example.com", "viewer")
    clock.advance(minutes=6)
    patch = await admin.http.patch(f"/api/v1/users/{bo_id}", json={"role": "operator"})
    assert patch.json()["error"]["code"] == "step_up_required"
    off = await admin.http.delete("/api/v1/me/mfa/totp")
    assert off.json()["error"]["code"] == "step_up_required"
    clock.advance(seconds=30)
    await admin.http.post("/api/v1/me/mfa/verify", json={"code": admin.code(clock)})
    patch = await admin.http.patch(f"/api/v1/users/{bo_id}", json={"role": "operator"})
    assert patch.status_code == 200, patch.text
    assert patch.json()["role"] == "operator"
    assert (await admin.http.delete("/api/v1/me/mfa/totp")).status_code == 204
    assert (await admin.http.get("/api/v1/stations")).status_code == 403  # enrol again first
    rows, _ = await container.audit.search(action="user.updated")
    assert rows[0]["detail"] == {"role": "operator"}


async def test_a_revoked_key_is_refused(container: Container, base_url: str) -> None:
    key = await container.api_keys.create("operator")
    async for http in keyed(base_url, key):
        assert (await http.get("/api/v1/stations")).status_code == 200
        await container.api_keys.revoke(key.split("_")[1], actor="cli")
        assert (await http.get("/api/v1/stations")).status_code == 401


async def test_a_site_scope_hides_other_sites_stations_and_sessions(
    container: Container, base_url: str, two_sites: dict[str, int]
) -> None:
    key = await container.api_keys.create("operator", sites=["north"])
    async for http in keyed(base_url, key):
        stations = (await http.get("/api/v1/stations")).json()
        assert [s["id"] for s in stations["items"]] == ["CP-NORTH"]
        assert stations["total"] == 1
        sites = (await http.get("/api/v1/sites")).json()
        assert [s["id"] for s in sites["items"]] == ["north"]
        assert sites["total"] == 1
        sessions = (await http.get("/api/v1/sessions")).json()
        assert [s["id"] for s in sessions["items"]] == [two_sites["north"]]
        assert (await http.get("/api/v1/stations/CP-NORTH")).status_code == 200
        south = two_sites["south"]
        for path in (
            "/api/v1/stations/CP-SOUTH",
            "/api/v1/stations/CP-SOUTH/status-history",
            "/api/v1/stations/CP-SOUTH/commands",
            f"/api/v1/sessions/{south}",
            f"/api/v1/sessions/{south}/meter-values",
            "/api/v1/sites/south",
        ):
            response = await http.get(path)
            assert response.status_code == 404, path
        missing = await http.get("/api/v1/stations/CP-NOWHERE")
        hidden = await http.get("/api/v1/stations/CP-SOUTH")
        assert missing.json()["error"]["code"] == hidden.json()["error"]["code"] == "not_found"
        reset = await http.post("/api/v1/stations/CP-SOUTH/commands/reset", json={})
        assert reset.status_code == 404
        moved = await http.post(
            "/api/v1/stations",
            json={"id": "CP-NEW", "password": "station-password-01", "site_id": "south"},
        )
        assert moved.status_code == 403


async def test_a_scoped_event_stream_carries_only_its_sites_events(
    container: Container, base_url: str, two_sites: dict[str, int]
) -> None:
    key = await container.api_keys.create("viewer", sites=["south"])
    async for http in keyed(base_url, key):
        async with (
            asyncio.timeout(20),
            http.stream("GET", "/api/v1/events", params={"last_event_id": 0}) as stream,
        ):
            assert stream.status_code == 200
            seen: list[str] = []
            async for line in stream.aiter_lines():
                if line.startswith("data:"):
                    seen.append(line)
                if line.startswith(": connected"):
                    continue
                if len(seen) >= 1:
                    break
    assert seen and all("CP-SOUTH" in line for line in seen)
