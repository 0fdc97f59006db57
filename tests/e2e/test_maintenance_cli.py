"""`laddnet station maintenance`, `laddnet alert list` and the SERVICE column of `laddnet station
list`, against a running `laddnet serve` and a real (simulated) station."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import PASSWORD, Laddnet, Servers, Stations


def _row(listing: str, station_id: str) -> list[str]:
    rows = [line.split() for line in listing.splitlines() if line.split()[:1] == [station_id]]
    assert len(rows) == 1, listing
    return rows[0]


async def _until(laddnet: Laddnet, want: str, *args: str) -> str:
    """The output of a CLI command once it contains `want` (the monitor works after commit)."""
    async with asyncio.timeout(20):
        while True:
            out = await laddnet.aok(*args)
            if want in out:
                return out
            await asyncio.sleep(0.2)


async def test_maintenance_and_alerts_from_the_command_line(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    key = (await laddnet.aok("apikey", "create", "--role", "operator")).strip().splitlines()[-1]
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    await servers.start(laddnet)
    sim = stations("CP-1", "1.6")
    await sim.connect()
    await sim.boot()
    await sim.status(1, "Available")
    listing = await laddnet.aok("station", "list")
    assert listing.splitlines()[0].split()[4] == "SERVICE"
    assert _row(listing, "CP-1")[4] == "available"

    # A failed firmware update opens an alert as soon as the station reports it.
    await sim.call("FirmwareStatusNotification", {"status": "InstallationFailed"}, 10)
    alerts = await _until(laddnet, "firmware_failed", "alert", "list", "--status", "open")
    row = alerts.splitlines()[1].split()
    assert row[1:6] == ["firmware_failed", "warning", "CP-1", "0/0", row[5]]
    assert alerts.splitlines()[-1] == "1 alerts"

    # ... and a ticket for it, which a technician takes and resolves.
    tickets = await laddnet.aok("ticket", "list", "--status", "open")
    ticket_id, status, priority, station = tickets.splitlines()[1].split()[:4]
    assert (status, priority, station) == ("open", "normal", "CP-1")
    out = await laddnet.aok("ticket", "assign", ticket_id, "tech-anna", "--note", "on site at 9")
    assert out.strip() == f"ticket {ticket_id}: acknowledged, assignee tech-anna"
    shown = await laddnet.aok("ticket", "show", ticket_id)
    assert "cause firmware_failed, from alert" in shown
    assert "on site at 9" in shown and "open -> acknowledged" in shown
    out = await laddnet.aok("ticket", "resolve", ticket_id, "--note", "reflashed")
    assert out.strip() == f"ticket {ticket_id}: resolved, assignee tech-anna"

    out = await laddnet.aok(
        "station", "maintenance", "CP-1", "--on", "--reason", "new cable", "--api-key", key
    )
    assert out.strip() == "CP-1 maintenance on; ChangeAvailability: Accepted"
    assert ("ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}) in sim.received_calls
    assert _row(await laddnet.aok("station", "list"), "CP-1")[4] == "in_maintenance"
    closed = await laddnet.aok("alert", "list", "--status", "closed")
    assert "firmware_failed" in closed and "0 alerts" not in closed
    assert (await laddnet.aok("alert", "list", "--status", "open")).splitlines()[-1] == "0 alerts"

    out = await laddnet.aok("station", "maintenance", "CP-1", "--off", "--api-key", key)
    assert out.strip() == "CP-1 maintenance off; ChangeAvailability: Accepted"
    await sim.status(1, "Available")
    await _until(laddnet, " available ", "station", "list")

    # Uptime of today and tomorrow (UTC: the station is on no site): its one connector, the
    # station, the (no) site and the total; the maintenance window is excluded time.
    today = datetime.now(UTC).date()
    period = ["--from", today.isoformat(), "--to", (today + timedelta(days=2)).isoformat()]
    table = (await laddnet.aok("report", "uptime", *period)).splitlines()
    assert table[0].split()[:3] == ["CONNECTOR", "/", "STATION"]
    assert [row.split()[0] for row in table[-3:]] == ["station", "site", "total"]
    assert table[1].split()[:2] == ["CP-1", "1/1"]  # and 2/1, which maintenance mode reported
    lines = (await laddnet.aok("report", "uptime", *period, "--csv")).splitlines()
    assert lines[0].startswith("station_id,site_id,evse_id,connector_id,start,end,minutes_up")
    row = lines[1].split(",")
    assert row[:4] == ["CP-1", "", "1", "1"] and float(row[8]) > 0  # minutes excluded

    # The firmware ticket, acknowledged and resolved above: mean times per site and month.
    times = (await laddnet.aok("report", "repair-times", *period)).splitlines()
    assert times[0].split() == ["SITE", "MONTH", "TICKETS", "MTTA", "MIN", "MTTR", "MIN"]
    assert times[1].split()[:3] == ["(none)", today.strftime("%Y-%m"), "1"]

    added = await laddnet.aok("notify", "add", "ops@example.com", "--min-severity", "critical")
    assert added.strip().endswith("ops@example.com, every site, from critical")
    assert (await laddnet.aok("notify", "list")).splitlines()[-1] == "1 recipients"
