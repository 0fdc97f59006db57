"""Tickets: from alerts (one per station and cause, resolved when its alerts clear), by hand,
from drivers' problem reports; the workflow through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched


async def _tickets(watched: Watched, **params: Any) -> list[dict[str, Any]]:
    answer = await watched.live.api.get("/api/v1/tickets", params=params)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_an_alert_opens_one_ticket_that_resolves_when_it_clears(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-1", version)
    await station.status(1, "Faulted")
    await station.status(2, "Faulted")
    await watched.becomes("CP-1", "needs_maintenance", evse=1)
    await watched.becomes("CP-1", "needs_maintenance", evse=2)
    watched.clock.shift += timedelta(minutes=6)
    await watched.tick()
    alerts = await watched.alerts(status="open")
    assert len(alerts) == 2  # one per connector ...
    [ticket] = await _tickets(watched, station_id="CP-1")  # ... one ticket for the cause
    assert (ticket["cause"], ticket["source"], ticket["status"], ticket["priority"]) == (
        "connector_faulted",
        "alert",
        "open",
        "high",
    )
    one = (await watched.live.api.get(f"/api/v1/tickets/{ticket['id']}")).json()
    assert sorted(one["alert_ids"]) == sorted(a["id"] for a in alerts)

    answer = await watched.live.api.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"status": "acknowledged", "assignee": "tech-anna", "note": "on my way"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["assignee"]) == ("acknowledged", "tech-anna")
    assert body["acknowledged_at"] is not None
    kinds = [(e["kind"], e["actor"].split(":")[0]) for e in body["history"]]
    assert ("note", "apikey") in kinds and ("assigned", "apikey") in kinds

    await station.status(1, "Available")
    await watched.becomes("CP-1", "available", evse=1)
    await watched.tick()
    still = (await watched.live.api.get(f"/api/v1/tickets/{ticket['id']}")).json()
    assert still["status"] == "acknowledged"  # one of its alerts is still open
    await station.status(2, "Available")
    await watched.becomes("CP-1", "available", evse=2)
    await watched.tick()
    done = (await watched.live.api.get(f"/api/v1/tickets/{ticket['id']}")).json()
    assert done["status"] == "resolved" and done["resolved_at"] is not None
    assert done["history"][-1]["text"].endswith("every linked alert cleared")
    # A technician may reopen it; the workflow refuses steps it does not have.
    answer = await watched.live.api.patch(
        f"/api/v1/tickets/{ticket['id']}", json={"status": "open"}
    )
    assert answer.json()["status"] == "open"
    wrong = await watched.live.api.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "open"})
    assert wrong.status_code == 409
    await station.close()


async def test_tickets_by_hand_roles_and_input(watched: Watched) -> None:
    api, viewer = watched.live.api, watched.live.viewer
    body = {"station_id": "CP-2", "title": "Replace the display", "priority": "low"}
    assert (await viewer.post("/api/v1/tickets", json=body)).status_code == 403
    created = await api.post("/api/v1/tickets", json=body)
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert (ticket["source"], ticket["cause"], ticket["priority"]) == ("manual", "manual", "low")
    assert (await viewer.get(f"/api/v1/tickets/{ticket['id']}")).status_code == 200
    second = await api.post("/api/v1/tickets", json={**body, "title": "And the cable"})
    assert second.status_code == 201  # by hand, as many as needed
    assert (
        await api.post("/api/v1/tickets", json={**body, "station_id": "NOPE"})
    ).status_code == 404
    assert (await api.post("/api/v1/tickets", json={**body, "priority": "meh"})).status_code == 422
    assert (await api.get("/api/v1/tickets/99999")).status_code == 404
    patch = await viewer.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "closed"})
    assert patch.status_code == 403
    closed = await api.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "closed"})
    assert closed.json()["closed_at"] is not None
    bad = await api.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "in_progress"})
    assert bad.status_code == 409 and "closed ticket can become open" in bad.text
    listed = await _tickets(watched, status="closed")
    assert [t["id"] for t in listed] == [ticket["id"]]


async def test_drivers_report_problems_without_a_key_within_a_limit(watched: Watched) -> None:
    url = str(watched.live.api.base_url)
    async with httpx.AsyncClient(base_url=url, timeout=10) as driver:
        path = "/api/v1/stations/CP-3/problem-reports"
        first = await driver.post(path, json={"description": "Cable will not unlock", "evse_id": 1})
        assert first.status_code == 201, first.text
        again = await driver.post(path, json={"description": "Screen is black"})
        assert again.json()["ticket_id"] == first.json()["ticket_id"]  # one per station
        assert (await driver.post(path, json={"description": ""})).status_code == 422
        missing = await driver.post(
            "/api/v1/stations/NOPE/problem-reports", json={"description": "x"}
        )
        assert missing.status_code == 404
        answers = [
            (await driver.post(path, json={"description": f"report {n}"})).status_code
            for n in range(5)
        ]
        assert answers.count(429) >= 1 and answers[0] == 201
    ticket = (await watched.live.api.get(f"/api/v1/tickets/{first.json()['ticket_id']}")).json()
    assert (ticket["source"], ticket["cause"]) == ("driver", "problem_report")
    notes = [e["text"] for e in ticket["history"] if e["kind"] == "note"]
    assert notes[:2] == ["driver at EVSE 1: Cable will not unlock", "driver: Screen is black"]


async def test_no_ticket_when_the_rules_say_so(watched: Watched) -> None:
    rules = {"rules": {"open_tickets": False}}
    assert (await watched.live.api.put("/api/v1/alert-rules", json=rules)).status_code == 200
    station = await watched.live.station("CP-1", "1.6")
    await station.close()
    await watched.becomes("CP-1", "offline")
    watched.clock.shift += timedelta(minutes=11)

    async def alerted() -> list[dict[str, Any]] | None:
        await watched.tick()
        return await watched.alerts(status="open") or None

    await eventually(alerted)
    assert await _tickets(watched) == []


async def test_mean_time_to_acknowledge_and_repair_per_site_and_month(watched: Watched) -> None:
    api = watched.live.api
    site = (await api.post("/api/v1/sites", json={"name": "Depot", "time_zone": "UTC"})).json()
    assert (
        await api.patch("/api/v1/stations/CP-2", json={"site_id": site["id"]})
    ).status_code == 200
    opened = watched.clock.now()
    for minutes_to_ack, minutes_to_fix in ((30, 150), (10, 50)):
        ticket = (
            await api.post("/api/v1/tickets", json={"station_id": "CP-2", "title": "x"})
        ).json()
        watched.clock.shift += timedelta(minutes=minutes_to_ack)
        await api.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "in_progress"})
        watched.clock.shift += timedelta(minutes=minutes_to_fix - minutes_to_ack)
        await api.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "resolved"})
        watched.clock.shift -= timedelta(minutes=minutes_to_fix)  # both opened "now"
    period = {
        "from": (opened - timedelta(days=1)).date().isoformat(),
        "to": (opened + timedelta(days=2)).date().isoformat(),
        "site_id": site["id"],
    }
    answer = await watched.live.viewer.get("/api/v1/reports/repair-times", params=period)
    assert answer.status_code == 200, answer.text
    [month] = answer.json()
    assert (month["site_id"], month["month"], month["tickets"]) == (
        site["id"],
        opened.strftime("%Y-%m"),
        2,
    )
    assert 19.9 <= month["mean_minutes_to_acknowledge"] <= 20.1
    assert 99.9 <= month["mean_minutes_to_repair"] <= 100.1
    missing = await api.get("/api/v1/reports/repair-times", params={**period, "site_id": "nope"})
    assert missing.status_code == 404
