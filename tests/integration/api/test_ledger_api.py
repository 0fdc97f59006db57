"""/api/v1/ledger and /api/v1/reports/revenue over HTTP: balanced postings, derived reports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import httpx

from laddnet.bootstrap import Container
from tests.integration.api.test_cdrs_api import _priced_session, _setup


async def test_each_cdr_posts_one_balanced_entry_and_the_report_agrees(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)
    first = await _priced_session(container, "CP-1", 10, 30)
    await _priced_session(container, "CP-2", 3, 90)
    assert await container.cdrs.issue_pending() == 2
    assert await container.cdrs.issue_pending() == 0  # a re-run posts nothing twice

    accounts = {a["account"]: a for a in (await client.get("/api/v1/ledger/accounts")).json()}
    # 31.25 + 9.38 revenue, 7.81 + 2.35 VAT, 39.06 + 11.73 receivable.
    assert accounts["receivable:customers"]["balance"] == "50.79"
    assert accounts["revenue:energy"]["balance"] == "-40.63"
    assert accounts["vat_payable:25"]["balance"] == "-10.16"
    assert sum(Decimal(a["balance"]) for a in accounts.values()) == 0

    entries = (await client.get("/api/v1/ledger/entries")).json()
    assert entries["total"] == 2
    entry = entries["items"][0]
    assert entry["key"].startswith("cdr:") and entry["description"] == f"session {first} at CP-1"
    assert [(line["account"], line["debit"], line["credit"]) for line in entry["lines"]] == [
        ("receivable:customers", "39.06", "0.00"),
        ("revenue:energy", "0.00", "31.25"),
        ("vat_payable:25", "0.00", "7.81"),
    ]
    check = (await client.get("/api/v1/ledger/check")).json()
    assert check["ok"] and (check["entries"], check["cdrs"]) == (2, 2)

    report = (await client.get("/api/v1/reports/revenue", params={"period": "month"})).json()
    assert [
        (
            r["period"],
            r["station_id"],
            r["revenue_excl_vat"],
            r["energy_kwh"],
            r["average_price_per_kwh"],
        )
        for r in report["rows"]
    ] == [
        ("2026-11", "CP-1", "31.25", "10", "3.1250"),
        ("2026-11", "CP-2", "9.38", "3", "3.1267"),
    ]
    text = (
        await client.get(
            "/api/v1/reports/revenue", params={"format": "csv", "until": "2026-11-02T09:00:00Z"}
        )
    ).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["period"], r["revenue_excl_vat"]) for r in rows] == [("2026-11-02", "31.25")]
