"""A correcting CDR over HTTP: a meter value recorded after the session's CDR changes its
price, so the session shows a credit and a re-issue (JSON, the list, CSV), SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import update

from laddnet.adapters.db.tables.pricing import cdrs
from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sessions.commands import RecordMeterValues
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from tests.integration.api.test_cdrs_api import T0, _priced_session, _setup
from tests.integration.ocpp.test_correcting_cdrs import TARIFF as TIME_OF_DAY


async def test_a_late_meter_value_shows_as_credit_and_reissue(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)
    await container.tariffs.create_tariff(TIME_OF_DAY, "test")
    await container.tariffs.assign(TargetKind.STATION, "CP-2", 0, TariffId("tod"), "test")
    session = await _priced_session(container, "CP-2", 10, 60)
    assert await container.cdrs.issue_pending() == 1
    original = (await client.get(f"/api/v1/sessions/{session}/cdr")).json()
    assert (original["kind"], original["seq"], original["total_incl_vat"]) == (
        "original",
        0,
        "25.00",
    )
    late = MeterSample(T0 + timedelta(minutes=30), ENERGY_REGISTER, Decimal(8000), "Wh")
    await container.sessions.record_meter_values(
        RecordMeterValues(StationId("CP-2"), 1, session, None, (late,))
    )
    assert await container.cdrs.issue_pending() == 1

    effective = (await client.get(f"/api/v1/sessions/{session}/cdr")).json()
    assert (effective["kind"], effective["seq"], effective["total_incl_vat"]) == (
        "reissue",
        2,
        "17.50",
    )
    assert effective["corrects_cdr_id"] == original["id"] and not effective["credit"]
    history = (await client.get(f"/api/v1/sessions/{session}/cdrs")).json()
    assert (history["effective_cdr_id"], history["total_incl_vat"]) == (effective["id"], "17.50")
    assert [(c["kind"], c["total_incl_vat"], c["energy_wh"]) for c in history["items"]] == [
        ("original", "25.00", "10000"),
        ("credit", "-25.00", "-10000"),
        ("reissue", "17.50", "10000"),
    ]
    credit = history["items"][1]
    assert credit["credit"] and credit["corrects_cdr_id"] == original["id"]
    assert [line["amount_excl_vat"] for line in credit["lines"]] == ["-5.00", "-15.00"]
    listed = (await client.get("/api/v1/cdrs", params={"station_id": "CP-2"})).json()
    assert [(c["kind"], c["total_incl_vat"]) for c in listed["items"]] == [
        ("original", "25.00"),
        ("credit", "-25.00"),
        ("reissue", "17.50"),
    ]
    text = (await client.get("/api/v1/cdrs", params={"format": "csv"})).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["seq"], r["kind"], r["corrects_cdr_id"], r["total_incl_vat"]) for r in rows] == [
        ("0", "original", "", "25.00"),
        ("1", "credit", str(original["id"]), "-25.00"),
        ("2", "reissue", str(original["id"]), "17.50"),
    ]
    check = (await client.get("/api/v1/ledger/check")).json()
    assert check["ok"] and check["cdrs"] == 3
    assert check["credits_not_reversing_their_cdr"] == []
    revenue = (await client.get("/api/v1/reports/revenue")).json()
    energy = [r for r in revenue["rows"] if r["dimension"] == "ENERGY"]
    assert [(r["revenue_excl_vat"], r["energy_kwh"]) for r in energy] == [("14.00", "10")]
    assert (await client.get("/api/v1/sessions/999999/cdrs")).status_code == 404
    # A credit that does not take back the whole CDR is found by the check.
    with container.engine.begin() as conn:
        conn.execute(
            update(cdrs).where(cdrs.c.id == credit["id"]).values(total_incl_vat=Decimal("-20.00"))
        )
    broken = (await client.get("/api/v1/ledger/check")).json()
    assert not broken["ok"]
    assert broken["credits_not_reversing_their_cdr"] == [credit["id"]]
