"""Password rotation and profile upgrades through the HTTP API, to real OCPP stations: the
generated password is never in an answer; roles are honoured; a bulk rotation shows progress."""

from __future__ import annotations

import asyncio

import httpx

from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.sites.model import SiteDetails
from tests.integration.commands.conftest import PASSWORD, Live


async def _progress(live: Live, batch: str) -> dict[str, int]:
    answer = await live.api.get("/api/v1/password-rotations", params={"batch": batch})
    assert answer.status_code == 200, answer.text
    progress: dict[str, int] = answer.json()["progress"]
    return progress


async def test_rotate_one_station_and_many_through_the_api(live: Live) -> None:
    one = await live.station("CP-1", "1.6")
    two = await live.station("CP-2", "2.0.1")
    answer = await live.api.post("/api/v1/stations/CP-1/password-rotation")
    assert answer.status_code == 200, answer.text
    change = answer.json()
    assert (change["kind"], change["state"]) == ("password", "confirmed")
    assert one.password is not None and one.password != PASSWORD
    assert one.password not in answer.text and one.password.encode().hex() not in answer.text
    # A viewer may not rotate, nor list rotations (security events are not for viewers).
    refused = await live.viewer.post("/api/v1/stations/CP-2/password-rotation")
    assert refused.status_code == 403
    assert (await live.viewer.get("/api/v1/password-rotations")).status_code == 403
    bulk = await live.api.post("/api/v1/password-rotations", json={"station_ids": ["CP-1", "CP-2"]})
    assert bulk.status_code == 202, bulk.text
    batch = bulk.json()["batch"]
    async with asyncio.timeout(10):
        while await _progress(live, batch) != {"confirmed": 2}:
            await asyncio.sleep(0.05)
    listed = await live.api.get("/api/v1/password-rotations", params={"station_id": "CP-1"})
    assert [c["state"] for c in listed.json()["items"]] == ["confirmed", "confirmed"]
    assert [c["attempts"] for c in listed.json()["items"]] == [1, 1]  # each sent once
    await one.reconnect()
    await two.reconnect()
    async with asyncio.timeout(10):
        while await _progress(live, batch) != {"completed": 2}:
            await asyncio.sleep(0.05)
    # The first rotation of CP-1 was superseded by the one that completed.
    listed = await live.api.get("/api/v1/password-rotations", params={"station_id": "CP-1"})
    assert [c["state"] for c in listed.json()["items"]] == ["completed", "superseded"]
    bad = await live.api.post("/api/v1/password-rotations", json={"all": True, "site_id": "x"})
    assert bad.status_code == 422
    unknown = await live.api.get("/api/v1/password-rotations", params={"batch": "nope"})
    assert unknown.status_code == 404
    await one.close()
    await two.close()


async def test_profile_upgrade_through_the_api(live: Live) -> None:
    station = await live.station("CP-3", "1.6")
    answer = await live.api.post(
        "/api/v1/stations/CP-3/security-profile-upgrade", json={"profile": 2}
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["state"], answer.json()["target_profile"]) == ("confirmed", 2)
    shown = await live.api.get("/api/v1/stations/CP-3")
    assert shown.json()["security_profile"] == 1  # until it connects over TLS
    same = await live.api.post(
        "/api/v1/stations/CP-3/security-profile-upgrade", json={"profile": 1}
    )
    assert same.status_code == 422
    await station.close()


async def test_a_site_scoped_operator_rotates_only_its_own_stations(live: Live) -> None:
    container = live.container
    await container.sites.create_site("north", SiteDetails("North", "Europe/Stockholm"), "test")
    await container.station_admin.update_station(
        StationId("CP-1"), actor="test", site_id=SiteId("north")
    )
    station = await live.station("CP-1", "1.6")
    other = await live.station("CP-2", "1.6")  # on no site
    key = await container.api_keys.create("operator", sites=["north"])
    async with httpx.AsyncClient(
        base_url=str(live.api.base_url), headers={"Authorization": f"Bearer {key}"}, timeout=20
    ) as scoped:
        outside = await scoped.post("/api/v1/stations/CP-2/password-rotation")
        assert outside.status_code == 404
        inside = await scoped.post("/api/v1/stations/CP-1/password-rotation")
        assert inside.status_code == 200, inside.text
        everything = await scoped.get("/api/v1/password-rotations")
        assert everything.status_code == 403  # one station at a time
        mine = await scoped.get("/api/v1/password-rotations", params={"station_id": "CP-1"})
        assert [c["station_id"] for c in mine.json()["items"]] == ["CP-1"]
        theirs = await scoped.get("/api/v1/password-rotations", params={"station_id": "CP-2"})
        assert theirs.status_code == 404
        bulk = await scoped.post("/api/v1/password-rotations", json={"all": True})
        assert bulk.status_code == 202, bulk.text
        assert sum(bulk.json()["progress"].values()) == 1  # CP-1 only
    await container.credentials.wait()
    assert other.password == PASSWORD
    await station.close()
    await other.close()
