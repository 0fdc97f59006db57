"""/api/v1/sessions/{id}/cdr and /api/v1/cdrs over HTTP (JSON and CSV), SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from laddnet.bootstrap import Container
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sessions.commands import RecordMeterValues, StartSession, StopSession
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from laddnet.domain.sites.model import SiteDetails
from tests.integration.ocpp.conftest import registered_long_ago

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
TARIFF = {
    "id": "flat-energy",
    "name": "Energy",
    "currency": "SEK",
    "elements": [{"price_components": [{"type": "ENERGY", "price": "3.125", "vat": "25"}]}],
}


async def _priced_session(container: Container, station: str, kwh: int, minutes: int) -> int:
    start = StartSession(StationId(station), 1, 1, "TAG", Decimal(0), T0, "1.6")
    result = await container.sessions.start_session(start)
    stop = StopSession(
        StationId(station), result.session_id, "TAG", Decimal(kwh * 1000),
        T0 + timedelta(minutes=minutes), "Local",
    )  # fmt: skip
    await container.sessions.stop_session(stop)
    return result.session_id


async def _setup(container: Container) -> None:
    await container.sites.create_site("s1", SiteDetails("S1", "Europe/Stockholm"), "test")
    await container.tariffs.create_tariff(TARIFF, "test")
    await container.tariffs.assign(TargetKind.SITE, "s1", 0, TariffId("flat-energy"), "test")
    for station in ("CP-1", "CP-2"):
        await container.station_admin.register_station(
            StationId(station), "station-password-0001", actor="test", site_id=SiteId("s1")
        )
    registered_long_ago(container, "CP-1", "CP-2")  # the sessions below are dated 2026-11


async def test_session_cdr_and_the_filtered_list(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)
    first = await _priced_session(container, "CP-1", 10, 30)
    second = await _priced_session(container, "CP-2", 3, 90)
    running = await container.sessions.start_session(
        StartSession(StationId("CP-1"), 2, 2, "TAG", Decimal(0), T0 + timedelta(hours=2), "1.6")
    )
    assert await container.cdrs.issue_pending() == 2

    cdr = (await client.get(f"/api/v1/sessions/{first}/cdr")).json()
    # 10 kWh x 3.125 = 31.25 excl. VAT; VAT 7.8125 rounds half up to 7.81.
    assert (cdr["total_excl_vat"], cdr["total_vat"], cdr["total_incl_vat"]) == (
        "31.25",
        "7.81",
        "39.06",
    )
    assert cdr["lines"][0]["unit_price"] == "3.125"
    assert (cdr["energy_wh"], cdr["tariff_id"], cdr["currency"]) == ("10000", "flat-energy", "SEK")
    # The running session has no CDR yet, but a cost so far: 4 kWh metered at 3.125 = 12.50.
    await container.sessions.record_meter_values(
        RecordMeterValues(
            StationId("CP-1"), 2, running.session_id, None,
            (MeterSample(T0 + timedelta(minutes=130), ENERGY_REGISTER, Decimal(4000), "Wh"),),
        )
    )  # fmt: skip
    live = (await client.get(f"/api/v1/sessions/{running.session_id}")).json()
    assert live["cost_so_far"] == {
        "tariff_id": "flat-energy",
        "tariff_version": 1,
        "currency": "SEK",
        "total_excl_vat": "12.50",
        "total_vat": "3.13",
        "total_incl_vat": "15.63",
    }
    assert (await client.get(f"/api/v1/sessions/{first}")).json()["cost_so_far"] is None
    missing = await client.get(f"/api/v1/sessions/{running.session_id}/cdr")
    assert missing.status_code == 404
    assert "has not ended" in missing.json()["error"]["message"]
    assert (await client.get("/api/v1/sessions/999999/cdr")).status_code == 404

    listed = (await client.get("/api/v1/cdrs", params={"station_id": "CP-2"})).json()
    assert [c["session_id"] for c in listed["items"]] == [second]
    window = {"since": (T0 + timedelta(minutes=60)).isoformat(), "until": "2027-01-01T00:00:00Z"}
    assert [
        c["session_id"] for c in (await client.get("/api/v1/cdrs", params=window)).json()["items"]
    ] == [second]
    by_site = (await client.get("/api/v1/cdrs", params={"site_id": "s1"})).json()
    assert by_site["total"] == 2

    text = (await client.get("/api/v1/cdrs", params={"format": "csv"})).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["session_id"], r["total_incl_vat"]) for r in rows] == [
        (str(first), "39.06"),
        (str(second), "11.73"),  # 9.375 -> 9.38, VAT 2.345 -> 2.35
    ]
    bad = await client.get(
        "/api/v1/cdrs", params={"since": "2027-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    )
    assert bad.status_code == 422
