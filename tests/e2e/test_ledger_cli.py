"""`laddnet ledger check|accounts` and `laddnet report revenue` as an operator runs them."""

from __future__ import annotations

import asyncio

from laddnet.bootstrap import build
from laddnet.config import Settings
from tests.e2e.conftest import Laddnet
from tests.integration.api.test_cdrs_api import _priced_session, _setup


def _two_cdrs(laddnet: Laddnet) -> None:
    async def run() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await _setup(container)
            await _priced_session(container, "CP-1", 10, 30)
            await _priced_session(container, "CP-2", 3, 90)
            assert await container.cdrs.issue_pending() == 2
        finally:
            await container.aclose()

    asyncio.run(run())


def test_ledger_check_accounts_and_revenue_report(laddnet: Laddnet) -> None:
    laddnet.ok("migrate")
    _two_cdrs(laddnet)
    check = laddnet.ok("ledger", "check").strip().splitlines()
    assert check == ["2 entries, 2 CDRs", "ledger OK"]
    accounts = laddnet.ok("ledger", "accounts").splitlines()
    assert accounts[1].split() == ["receivable:customers", "SEK", "50.79", "0.00", "50.79"]
    report = laddnet.ok("report", "revenue", "--from", "2026-11-01", "--to", "2026-12-01")
    assert report.splitlines() == [
        "period,site_id,station_id,currency,dimension,revenue_excl_vat,energy_kwh,"
        "average_price_per_kwh",
        "2026-11-02,s1,CP-1,SEK,ENERGY,31.25,10,3.1250",
        "2026-11-02,s1,CP-2,SEK,ENERGY,9.38,3,3.1267",
    ]
    empty = laddnet.ok("report", "revenue", "--from", "2027-01-01", "--period", "month")
    assert len(empty.splitlines()) == 1
    bad = laddnet.run("report", "revenue", "--from", "yesterday")
    assert bad.returncode == 1 and "--from: not an ISO 8601" in bad.stderr


def test_session_review_approves_with_corrected_energy_or_voids(laddnet: Laddnet) -> None:
    from tests.integration.api.test_session_review_api import _flagged_session
    from tests.integration.api.test_session_review_api import _setup as _review_setup

    laddnet.ok("migrate")
    ids: list[int] = []

    async def run() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await _review_setup(container)
            ids.append(await _flagged_session(container, 1, 10_000))
            ids.append(await _flagged_session(container, 2, 10_000))
        finally:
            await container.aclose()

    asyncio.run(run())
    first, second = map(str, ids)
    bad = laddnet.run("session", "review", first, "--void", "--energy-wh", "5")
    assert bad.returncode == 1 and "--energy-wh: only with --approve" in bad.stderr
    out = laddnet.ok("session", "review", first, "--approve", "--energy-wh", "7500.5")
    assert out.splitlines() == [
        f"session {first}: approve",
        "CDR 1: 7500.5 Wh, 18.75 SEK incl. VAT",
    ]
    assert laddnet.ok("session", "review", second, "--void").strip() == f"session {second}: void"
    again = laddnet.run("session", "review", second, "--approve")
    assert again.returncode == 1 and "reviewed already: void by cli" in again.stderr
    assert laddnet.ok("ledger", "check").strip().splitlines() == ["1 entries, 1 CDRs", "ledger OK"]
