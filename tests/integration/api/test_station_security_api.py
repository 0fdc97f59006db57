"""A station's security profile through the API, on SQLite and PostgreSQL: set at registration
(profile 3 needs no password), changed by PATCH (audited, recorded as a security event), shown
in every station read, refused when it is no profile."""

from __future__ import annotations

import httpx

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.security.profiles import SecurityProfile

PASSWORD = "station-password-0001"


async def test_a_station_registers_with_a_profile_and_shows_it(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/api/v1/stations", json={"id": "CP-S2", "password": PASSWORD, "security_profile": 2}
    )
    assert created.status_code == 201, created.text
    assert created.json()["security_profile"] == 2
    read = await client.get("/api/v1/stations/CP-S2")
    assert read.json()["security_profile"] == 2
    default = await client.post("/api/v1/stations", json={"id": "CP-S1", "password": PASSWORD})
    assert default.json()["security_profile"] == 1


async def test_a_profile_3_station_needs_no_password_and_others_do(
    client: httpx.AsyncClient, container: Container
) -> None:
    created = await client.post("/api/v1/stations", json={"id": "CP-S3", "security_profile": 3})
    assert created.status_code == 201, created.text
    # No password works for it: the stored hash is of a secret nobody was told.
    with_password = await container.stations.authenticate(StationId("CP-S3"), "")
    assert with_password is None
    missing = await client.post("/api/v1/stations", json={"id": "CP-S4", "security_profile": 2})
    assert missing.status_code == 422
    assert "password" in missing.text


async def test_an_unknown_profile_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    bad = await client.post(
        "/api/v1/stations", json={"id": "CP-S5", "password": PASSWORD, "security_profile": 4}
    )
    assert bad.status_code == 422
    assert "security_profile" in bad.text


async def test_patch_changes_the_profile_audited_and_recorded(
    client: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-P", "password": PASSWORD})
    changed = await client.patch("/api/v1/stations/CP-P", json={"security_profile": 3})
    assert changed.status_code == 200, changed.text
    assert changed.json()["security_profile"] == 3
    station = await container.queries.station(StationId("CP-P"))
    assert station is not None
    assert station.security_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE
    events = await container.queries.security_events()
    assert any(e["kind"] == "security_profile_changed" and "1 -> 3" in e["detail"] for e in events)
    entries = await container.database.read(
        lambda uow: uow.audit.entries(target_type="station", target_id="CP-P")
    )
    assert entries[0]["detail"]["security_profile"] == 3


async def test_a_viewer_cannot_change_the_profile(
    base_url: str, client: httpx.AsyncClient, container: Container
) -> None:
    await client.post("/api/v1/stations", json={"id": "CP-V", "password": PASSWORD})
    key = await container.api_keys.create("viewer")
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}
    ) as viewer:
        refused = await viewer.patch("/api/v1/stations/CP-V", json={"security_profile": 1})
    assert refused.status_code == 403
