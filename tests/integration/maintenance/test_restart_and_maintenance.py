"""Alerts survive a restart; maintenance mode; the alert-rules API and its roles."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from laddnet.domain.maintenance.alerts import AlertKind
from laddnet.sim.station import SimStation
from tests.integration.commands.conftest import PASSWORD
from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import MovableClock, Watched, watched_container

VERSIONS = pytest.mark.parametrize("version", ["1.6", "2.0.1"])


@VERSIONS
async def test_after_a_crash_offline_stations_are_alerted_once(
    watched: Watched, version: str, database_url: str
) -> None:
    station = await watched.live.station("CP-1", version)
    await station.status(1, "Available")
    await watched.becomes("CP-1", "available")
    # Laddnet stops without a word to anyone and starts 11 minutes later: its old connections
    # are gone (clear_presence, as at every start), no disconnect event was ever written.
    for _restart in range(2):
        later = MovableClock(watched.clock.shift + timedelta(minutes=11))
        again = watched_container(database_url, later)
        try:
            await again.stations.clear_presence()
            await again.maintenance.monitor.tick()
        finally:
            await again.aclose()
    stored = await watched.stored_status("CP-1", None)
    assert stored == "offline"
    alerts = await watched.alerts(status="open")
    assert [(a["station_id"], a["kind"]) for a in alerts] == [("CP-1", "station_offline")]
    await station.close()


@VERSIONS
async def test_maintenance_mode_takes_the_station_out_and_gives_it_back(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-2", version)
    await station.status(1, "Faulted")
    await watched.becomes("CP-2", "needs_maintenance", evse=1)
    watched.clock.shift += timedelta(minutes=6)
    await watched.tick()
    assert [a["kind"] for a in await watched.alerts(status="open")] == ["connector_faulted"]

    answer = await watched.live.api.post(
        "/api/v1/stations/CP-2/maintenance", json={"on": True, "reason": "replace cable"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["command_status"], body["maintenance"]["reason"]) == ("Accepted", "replace cable")
    await watched.becomes("CP-2", "in_maintenance")
    await watched.becomes("CP-2", "in_maintenance", evse=1)
    assert (await watched.station("CP-2"))["maintenance"]["by"].startswith("apikey:")
    closed = await watched.alerts(status="closed")
    assert [(a["kind"], a["close_reason"]) for a in closed] == [
        ("connector_faulted", "maintenance mode")
    ]
    await watched.tick()  # still faulted, but in maintenance: nothing opens
    assert await watched.alerts(status="open") == []
    log = (await watched.live.api.get("/api/v1/stations/CP-2/commands")).json()["items"][0]
    assert (log["name"], log["body"]) == ("change-availability", {"operative": False})

    await station.status(1, "Available")
    answer = await watched.live.api.post("/api/v1/stations/CP-2/maintenance", json={"on": False})
    assert answer.status_code == 200, answer.text
    assert answer.json()["maintenance"] is None
    await watched.becomes("CP-2", "available")
    await station.close()


async def test_maintenance_ends_by_itself_at_until(watched: Watched) -> None:
    station = await watched.live.station("CP-3", "2.0.1")
    until = (watched.clock.now() + timedelta(minutes=30)).isoformat()
    answer = await watched.live.api.post(
        "/api/v1/stations/CP-3/maintenance", json={"on": True, "until": until}
    )
    assert answer.status_code == 200, answer.text
    await watched.becomes("CP-3", "in_maintenance")
    watched.clock.shift += timedelta(minutes=31)
    await watched.tick()
    await watched.becomes("CP-3", "available")
    await station.close()


async def test_maintenance_input_and_roles(watched: Watched) -> None:
    api, viewer = watched.live.api, watched.live.viewer
    answer = await viewer.post("/api/v1/stations/CP-1/maintenance", json={"on": True})
    assert answer.status_code == 403
    answer = await api.post("/api/v1/stations/NOPE/maintenance", json={"on": True})
    assert answer.status_code == 404
    past = (watched.clock.now() - timedelta(minutes=1)).isoformat()
    answer = await api.post("/api/v1/stations/CP-1/maintenance", json={"on": True, "until": past})
    assert answer.status_code == 422
    assert "until" in answer.text
    # An offline station goes into maintenance all the same; the command says why it failed.
    answer = await api.post("/api/v1/stations/CP-1/maintenance", json={"on": True})
    assert answer.status_code == 200, answer.text
    assert answer.json()["command_error"].startswith("StationNotConnected")


async def test_alert_rules_are_overridden_per_network_and_site(watched: Watched) -> None:
    api, viewer = watched.live.api, watched.live.viewer
    rules = (await viewer.get("/api/v1/alert-rules")).json()
    assert rules["effective"]["station_offline_minutes"] == 10
    assert rules["network"] == {"recovery_soft_reset": False, "health_min_score": 0}  # fixture
    assert rules["sites"] == {}
    site = await api.post(
        "/api/v1/sites", json={"name": "Harbour", "time_zone": "Europe/Stockholm"}
    )
    assert site.status_code == 201, site.text
    site_id = site.json()["id"]

    answer = await api.put("/api/v1/alert-rules", json={"rules": {"station_offline_minutes": 20}})
    assert answer.status_code == 200, answer.text
    body = {"site_id": site_id, "rules": {"station_offline_minutes": 2}}
    answer = await api.put("/api/v1/alert-rules", json=body)
    assert answer.json()["effective"]["station_offline_minutes"] == 2
    network = (await viewer.get("/api/v1/alert-rules")).json()
    assert network["effective"]["station_offline_minutes"] == 20
    assert network["sites"] == {site_id: {"station_offline_minutes": 2}}

    assert (await viewer.put("/api/v1/alert-rules", json={"rules": {}})).status_code == 403
    bad = await api.put("/api/v1/alert-rules", json={"rules": {"offline": 1}})
    assert bad.status_code == 422 and "'offline' does not exist" in bad.text
    missing = await api.put("/api/v1/alert-rules", json={"site_id": "nope", "rules": {}})
    assert missing.status_code == 404


async def test_alert_filters_are_checked(watched: Watched) -> None:
    api = watched.live.api
    assert (await api.get("/api/v1/alerts", params={"status": "shut"})).status_code == 422
    assert (await api.get("/api/v1/alerts", params={"kind": "fire"})).status_code == 422
    for kind in AlertKind:
        answer = await api.get("/api/v1/alerts", params={"kind": kind.value})
        assert answer.status_code == 200


async def test_a_site_rule_applies_to_its_stations(watched: Watched) -> None:
    api = watched.live.api
    site = (await api.post("/api/v1/sites", json={"name": "Depot", "time_zone": "UTC"})).json()
    patched = await api.patch("/api/v1/stations/CP-1", json={"site_id": site["id"]})
    assert patched.status_code == 200, patched.text
    body = {"site_id": site["id"], "rules": {"station_offline_minutes": 2}}
    assert (await api.put("/api/v1/alert-rules", json=body)).status_code == 200
    station = await watched.live.station("CP-1", "1.6")
    await station.close()
    await watched.becomes("CP-1", "offline")
    watched.clock.shift += timedelta(minutes=3)

    async def alerted() -> list[dict[str, object]] | None:
        await watched.tick()
        return await watched.alerts(status="open") or None

    alerts = await eventually(alerted)
    assert [(a["kind"], a["site_id"]) for a in alerts] == [("station_offline", site["id"])]


async def test_maintenance_switched_on_offline_is_sent_when_the_station_boots(
    watched: Watched,
) -> None:
    station = await watched.live.station("CP-1", "1.6")
    await station.close()
    await watched.becomes("CP-1", "offline")
    answer = await watched.live.api.post(
        "/api/v1/stations/CP-1/maintenance", json={"on": True, "reason": "new cable"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["command_status"] is None
    assert answer.json()["command_error"]  # offline: the mode holds all the same

    again = await watched.live.station("CP-1", "1.6")  # reconnects and boots

    async def told() -> list[dict[str, object]] | None:
        sent = [p for a, p in again.received_calls if a == "ChangeAvailability"]
        return sent or None

    [sent] = await eventually(told)
    assert sent == {"connectorId": 0, "type": "Inoperative"}
    log = await watched.live.api.get("/api/v1/stations/CP-1/commands")
    assert log.status_code == 200, log.text
    mine = [c for c in log.json()["items"] if c["sent_by"] == "laddnet:maintenance"]
    assert [(c["name"], c["status"]) for c in mine] == [("change-availability", "Accepted")]
    await watched.becomes("CP-1", "in_maintenance")

    # A station not in maintenance mode is told nothing on its boot.
    await watched.live.api.post("/api/v1/stations/CP-1/maintenance", json={"on": False})
    calls = len(again.received_calls)
    await again.boot()
    await watched.becomes("CP-1", "available")
    assert again.received_calls[calls:] == []
    await again.close()


@VERSIONS
async def test_maintenance_is_sent_again_when_the_station_reconnects_without_booting(
    watched: Watched, version: str
) -> None:
    watched.container.maintenance.reconnect_grace = 0.3
    station = await watched.live.station("CP-2", version)
    await station.close()
    await watched.becomes("CP-2", "offline")
    answer = await watched.live.api.post(
        "/api/v1/stations/CP-2/maintenance", json={"on": True, "reason": "cable"}
    )
    assert answer.json()["command_error"]  # offline when switched on

    # The network comes back: the station connects again without a boot.
    again = SimStation(watched.live.ocpp_url, "CP-2", PASSWORD, version)  # type: ignore[arg-type]
    await again.connect()

    async def told() -> list[dict[str, object]] | None:
        sent = [p for a, p in again.received_calls if a == "ChangeAvailability"]
        return sent or None

    [sent] = await eventually(told)
    expected = (
        {"connectorId": 0, "type": "Inoperative"}
        if version == "1.6"
        else {"operationalStatus": "Inoperative"}
    )
    assert sent == expected
    await watched.becomes("CP-2", "in_maintenance")
    await again.close()

    # Connecting and booting: told once, by the boot.
    booted = await watched.live.station("CP-2", version)
    await eventually(lambda: _told_once(booted))
    await asyncio.sleep(0.6)  # past the grace: the connection adds nothing
    assert [a for a, _ in booted.received_calls].count("ChangeAvailability") == 1
    await booted.close()


async def _told_once(station: SimStation) -> bool:
    return any(a == "ChangeAvailability" for a, _ in station.received_calls)
