"""`laddnet site add|list` and `laddnet station history` as an operator runs them; changes made
from the CLI are audited with actor "cli"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import create_engine, select

from laddnet.adapters.db.tables import audit_log
from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.model import ConnectorStatus, StatusReport
from tests.e2e.conftest import PASSWORD, Laddnet, one_line_error


def _audit_actions(laddnet: Laddnet) -> list[tuple[str, str, str]]:
    engine = create_engine(laddnet.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(audit_log).order_by(audit_log.c.id))
            return [(r.actor, r.action, r.target_id) for r in rows]
    finally:
        engine.dispose()


def test_site_add_then_list_shows_it_with_its_stations(laddnet: Laddnet) -> None:
    out = laddnet.ok(
        "site", "add", "Depot North", "--time-zone", "Europe/Stockholm", "--id", "north",
        "--country", "se", "--city", "Umeå", "--latitude", "63.825847", "--longitude", "20.263035",
    )  # fmt: skip
    assert out.strip() == "site north added"
    generated = laddnet.ok("site", "add", "Elsewhere", "--time-zone", "UTC")
    assert generated.startswith("site ")

    listed = laddnet.ok("site", "list").strip().splitlines()
    assert listed[0].startswith("SITE")
    north = next(line for line in listed if line.startswith("north "))
    assert "Depot North" in north and "Umeå" in north and " SE " in north
    assert listed[-1] == "2 sites"
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)
    assert ("cli", "site.created", "north") in _audit_actions(laddnet)
    assert ("cli", "station.created", "CP-1") in _audit_actions(laddnet)


def test_site_add_mistakes_are_one_line_errors(laddnet: Laddnet) -> None:
    bad_zone = laddnet.run("site", "add", "X", "--time-zone", "Mars/Base")
    bad_country = laddnet.run("site", "add", "X", "--time-zone", "UTC", "--country", "XX")
    half = laddnet.run("site", "add", "X", "--time-zone", "UTC", "--latitude", "59.3")
    laddnet.ok("site", "add", "X", "--time-zone", "UTC", "--id", "x")
    taken = laddnet.run("site", "add", "Y", "--time-zone", "UTC", "--id", "x")

    assert "time_zone: 'Mars/Base' is not an IANA time zone" in one_line_error(bad_zone.stderr)
    assert "country: 'XX'" in one_line_error(bad_country.stderr)
    assert "give both or neither" in one_line_error(half.stderr)
    assert "site x already exists" in one_line_error(taken.stderr)


def test_station_history_prints_the_changes_newest_first(laddnet: Laddnet) -> None:
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)

    async def report() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            for minute, status in ((0, ConnectorStatus.AVAILABLE), (5, ConnectorStatus.FAULTED)):
                at = datetime(2025, 3, 1, 8, minute, tzinfo=UTC)
                await container.stations.report_status(
                    StatusReport(
                        StationId("CP-1"), EvseId(1), ConnectorId(1), status, None, "E1", at
                    )
                )
        finally:
            await container.aclose()

    asyncio.run(report())
    lines = laddnet.ok("station", "history", "CP-1").strip().splitlines()
    assert lines[0].startswith("REPORTED AT")
    assert lines[1].split()[:3] == ["2025-03-01T08:05:00+00:00", "1/1", "Faulted"]
    assert "Available" in lines[2]
    assert lines[-1] == "2 of 2 changes"
    unknown = laddnet.run("station", "history", "NOPE")
    assert "station NOPE does not exist" in one_line_error(unknown.stderr)
