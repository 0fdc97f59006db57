"""Password rotation and profile upgrades through the HTTP API, to real OCPP stations: the
generated password is never in an answer; roles are honoured; a bulk rotation shows progress."""

from __future__ import annotations

import asyncio

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
