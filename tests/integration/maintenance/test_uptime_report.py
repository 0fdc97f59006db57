"""Uptime from real stations' status reports, placed at their own timestamps, in the site's
local days (across a daylight-saving change), with maintenance and exclusions left out."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.maintenance.conftest import Watched

SPRING = "2026-03-29"  # Europe/Stockholm moves from +01:00 to +02:00 at 02:00


async def _site(watched: Watched, station_id: str) -> str:
    api = watched.live.api
    site = await api.post(
        "/api/v1/sites", json={"name": "Harbour", "time_zone": "Europe/Stockholm"}
    )
    assert site.status_code == 201, site.text
    moved = await api.patch(f"/api/v1/stations/{station_id}", json={"site_id": site.json()["id"]})
    assert moved.status_code == 200, moved.text
    site_id: str = site.json()["id"]
    return site_id


async def _report(watched: Watched, **params: str) -> dict[str, Any]:
    answer = await watched.live.api.get("/api/v1/reports/uptime", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_local_day_across_the_spring_change(watched: Watched, version: str) -> None:
    station = await watched.live.station("CP-1", version, evse_count=1)
    site_id = await _site(watched, "CP-1")

    def local(hour: int) -> datetime:
        offset = 1 if hour < 2 else 2
        return datetime(2026, 3, 29, hour, tzinfo=UTC) - timedelta(hours=offset)

    await station.status(1, "Available", local(0) - timedelta(hours=5))
    await station.status(1, "Faulted", local(10))
    await station.status(1, "Available", local(12))

    body = await _report(watched, **{"from": SPRING, "to": "2026-03-30", "site_id": site_id})
    [row] = body["connectors"]
    assert (row["station_id"], row["evse_id"], row["connector_id"]) == ("CP-1", 1, 1)
    assert row["start"] == "2026-03-28T23:00:00+00:00" and row["end"] == "2026-03-29T22:00:00+00:00"
    assert (row["minutes_up"], row["minutes_down"], row["minutes_excluded"]) == (1260, 120, 0)
    assert row["uptime_percent"] == 91.3
    assert body["stations"][0]["minutes_up"] == 1260
    assert body["sites"] == [{**body["total"], "site_id": site_id}]

    # The hour from 11:00 local was a grid power cut: outside the operator's control.
    cut = {
        "station_id": "CP-1",
        "start": "2026-03-29T11:00:00+02:00",
        "end": "2026-03-29T12:00:00+02:00",
        "reason": "grid power cut",
    }
    assert (
        await watched.live.viewer.post("/api/v1/uptime-exclusions", json=cut)
    ).status_code == 403
    added = await watched.live.api.post("/api/v1/uptime-exclusions", json=cut)
    assert added.status_code == 201, added.text
    body = await _report(watched, **{"from": SPRING, "to": "2026-03-30"})
    [row] = body["connectors"]
    assert (row["minutes_up"], row["minutes_down"], row["minutes_excluded"]) == (1260, 60, 60)
    assert row["uptime_percent"] == 95.45

    answer = await watched.live.viewer.get(
        "/api/v1/reports/uptime", params={"from": SPRING, "to": "2026-03-30", "format": "csv"}
    )
    assert answer.headers["content-type"].startswith("text/csv")
    [line] = list(csv.DictReader(io.StringIO(answer.text)))
    assert (line["station_id"], line["minutes_up"], line["uptime_percent"]) == (
        "CP-1",
        "1260.00",
        "95.45",
    )
    listed = (await watched.live.viewer.get("/api/v1/uptime-exclusions")).json()
    assert [(x["station_id"], x["reason"]) for x in listed] == [("CP-1", "grid power cut")]
    await station.close()


async def test_maintenance_mode_is_left_out_of_uptime(watched: Watched) -> None:
    station = await watched.live.station("CP-2", "2.0.1", evse_count=1)
    began = station.now() - timedelta(hours=1)
    await station.status(1, "Available", began)
    answer = await watched.live.api.post("/api/v1/stations/CP-2/maintenance", json={"on": True})
    assert answer.json()["command_status"] == "Accepted"
    watched.clock.shift += timedelta(minutes=30)
    answer = await watched.live.api.post("/api/v1/stations/CP-2/maintenance", json={"on": False})
    assert answer.status_code == 200
    period = {"from": began.isoformat(), "to": (began + timedelta(hours=2)).isoformat()}
    [row] = (await _report(watched, **period))["connectors"]
    assert 29.9 <= row["minutes_excluded"] <= 30.1
    assert row["minutes_down"] == 0 and row["uptime_percent"] == 100
    await station.close()


async def test_offline_time_is_down(watched: Watched) -> None:
    station = await watched.live.station("CP-3", "1.6", evse_count=1)
    began = station.now() - timedelta(hours=1)
    await station.status(1, "Available", began)
    await station.close()
    await watched.becomes("CP-3", "offline")
    watched.clock.shift += timedelta(minutes=30)
    back = await watched.live.station("CP-3", "1.6", evse_count=1)
    await watched.becomes("CP-3", "available")
    period = {"from": began.isoformat(), "to": (began + timedelta(hours=2)).isoformat()}
    [row] = (await _report(watched, **period))["connectors"]
    assert 29.9 <= row["minutes_down"] <= 30.1  # offline until it came back (Laddnet's clock)
    await back.close()


async def test_report_input_is_checked(watched: Watched) -> None:
    api = watched.live.api
    bad = await api.get("/api/v1/reports/uptime", params={"from": "March", "to": "2026-04-01"})
    assert bad.status_code == 422 and "from:" in bad.text
    back = await api.get(
        "/api/v1/reports/uptime", params={"from": "2026-04-01", "to": "2026-03-01"}
    )
    assert back.status_code == 422 and "to: must come after from" in back.text
    long = await api.get(
        "/api/v1/reports/uptime", params={"from": "2024-01-01", "to": "2026-01-01"}
    )
    assert long.status_code == 422
    none = await api.get(
        "/api/v1/reports/uptime", params={"from": "2026-03-01", "to": "2026-04-01", "site_id": "x"}
    )
    assert none.status_code == 404
    assert (
        await api.get("/api/v1/reports/uptime", params={"from": "2026-03-01"})
    ).status_code == 422
    wrong = {"station_id": "NOPE", "start": "2026-03-01", "end": "2026-03-02", "reason": "storm"}
    assert (await api.post("/api/v1/uptime-exclusions", json=wrong)).status_code == 404
