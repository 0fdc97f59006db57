"""POST /api/v1/sessions/{id}/review over HTTP, on SQLite and PostgreSQL: a session flagged for
review gets its CDR and ledger posting only once approved (with corrected energy if given), a
voided one never; one decision per session; finance and admin only; audited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sessions.commands import StartSession, StopSession
from laddnet.domain.sites.model import SiteDetails
from tests.integration.ocpp.conftest import registered_long_ago

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
TARIFF = {
    "id": "flat-energy",
    "name": "Energy",
    "currency": "SEK",
    "elements": [{"price_components": [{"type": "ENERGY", "price": "2", "vat": "25"}]}],
}


async def _key_client(base_url: str, container: Container, role: str) -> httpx.AsyncClient:
    key = await container.api_keys.create(role)
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10)


@pytest.fixture
async def finance(base_url: str, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with await _key_client(base_url, container, "finance") as client:
        yield client


@pytest.fixture
async def operator(base_url: str, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with await _key_client(base_url, container, "operator") as client:
        yield client


async def _setup(container: Container) -> None:
    await container.sites.create_site("s1", SiteDetails("S1", "Europe/Stockholm"), "test")
    await container.tariffs.create_tariff(TARIFF, "test")
    await container.tariffs.assign(TargetKind.SITE, "s1", 0, TariffId("flat-energy"), "test")
    await container.station_admin.register_station(
        StationId("CP-1"), "station-password-0001", actor="test", site_id=SiteId("s1")
    )
    registered_long_ago(container, "CP-1")


async def _flagged_session(container: Container, connector: int, stop_wh: int) -> int:
    """A session whose start register is negative: the meter checks flag it for review."""
    at = T0 + timedelta(hours=connector)
    start = StartSession(StationId("CP-1"), connector, connector, "TAG", Decimal(-5), at, "1.6")
    result = await container.sessions.start_session(start)
    stop = StopSession(
        StationId("CP-1"), result.session_id, "TAG", Decimal(stop_wh),
        at + timedelta(minutes=30), "Local",
    )  # fmt: skip
    await container.sessions.stop_session(stop)
    return result.session_id


async def test_approve_with_corrected_energy_issues_the_cdr_once(
    client: httpx.AsyncClient, finance: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)
    session_id = await _flagged_session(container, 1, 10_000)
    assert await container.cdrs.issue_pending() == 0
    session = (await client.get(f"/api/v1/sessions/{session_id}")).json()
    assert (session["review_required"], session["review"]) == (True, None)
    waiting = await client.get(f"/api/v1/sessions/{session_id}/cdr")
    assert waiting.status_code == 404
    assert "flagged for review" in waiting.json()["error"]["message"]

    url = f"/api/v1/sessions/{session_id}/review"
    decided = await finance.post(url, json={"decision": "approve", "energy_wh": "7500.5"})
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["decision"], body["energy_wh"]) == ("approve", "7500.5")
    assert body["decided_by"].startswith("apikey:")
    assert await container.cdrs.issue_pending() == 1
    assert await container.cdrs.issue_pending() == 0

    cdr = (await client.get(f"/api/v1/sessions/{session_id}/cdr")).json()
    # 7.5005 kWh x 2 = 15.001 -> 15.00 excl. VAT; VAT 3.75; 18.75 incl.
    assert (cdr["energy_wh"], cdr["total_excl_vat"], cdr["total_incl_vat"]) == (
        "7500.5",
        "15.00",
        "18.75",
    )
    assert cdr["review"] == body
    assert (await client.get(f"/api/v1/sessions/{session_id}")).json()["review"] == body
    check = (await client.get("/api/v1/ledger/check")).json()
    assert check["ok"] is True, check

    again = await finance.post(url, json={"decision": "void"})
    assert again.status_code == 409
    assert "reviewed already: approve by apikey:" in again.json()["error"]["message"]
    audit = (await client.get("/api/v1/audit", params={"action": "session.reviewed"})).json()
    assert [e["target_id"] for e in audit["items"]] == [str(session_id)]


async def test_void_is_never_billed(client: httpx.AsyncClient, container: Container) -> None:
    await _setup(container)
    session_id = await _flagged_session(container, 1, 4_000)
    url = f"/api/v1/sessions/{session_id}/review"
    assert (await client.post(url, json={"decision": "void"})).status_code == 200
    assert await container.cdrs.issue_pending() == 0
    await container.cdrs.issue(session_id)  # a stray retry of the issuer: still nothing
    missing = await client.get(f"/api/v1/sessions/{session_id}/cdr")
    assert missing.status_code == 404
    assert "voided by apikey:" in missing.json()["error"]["message"]
    assert (await client.get("/api/v1/cdrs")).json()["total"] == 0
    entries = (await client.get("/api/v1/ledger/entries")).json()
    assert entries["total"] == 0
    assert (await client.get(f"/api/v1/sessions/{session_id}")).json()["review"]["decision"] == (
        "void"
    )
    assert (await client.post(url, json={"decision": "approve"})).status_code == 409


async def test_bad_reviews_are_refused_with_reasons(
    client: httpx.AsyncClient, operator: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)
    flagged = await _flagged_session(container, 1, 4_000)
    url = f"/api/v1/sessions/{flagged}/review"
    assert (await operator.post(url, json={"decision": "approve"})).status_code == 403
    for body, words in (
        ({"decision": "void", "energy_wh": 10}, "energy_wh"),
        ({"decision": "approve", "energy_wh": -1}, "energy_wh"),
        ({"decision": "approve", "energy_wh": "NaN"}, "energy_wh"),
        ({"decision": "approve", "energy_wh": "1e400"}, "energy_wh"),
        ({"decision": "approve", "energy_wh": 1, "note": "x"}, "note"),
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
    ):
        response = await client.post(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert words in response.text
    unknown = await client.post("/api/v1/sessions/999999/review", json={"decision": "void"})
    assert unknown.status_code == 404
    huge = await client.post("/api/v1/sessions/9223372036854775808/review", json={})
    assert huge.status_code == 422

    start = StartSession(StationId("CP-1"), 2, 2, "TAG", Decimal(0), T0, "1.6")
    plain = (await container.sessions.start_session(start)).session_id
    running = await client.post(f"/api/v1/sessions/{plain}/review", json={"decision": "void"})
    assert running.status_code == 409
    assert "not flagged for review" in running.json()["error"]["message"]
    # Nothing was decided by the refused requests: the flagged session still waits.
    assert (await client.get(f"/api/v1/sessions/{flagged}")).json()["review"] is None
