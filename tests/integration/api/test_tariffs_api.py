"""/api/v1/tariffs over HTTP, on SQLite and PostgreSQL: versions, assignment, preview, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.sites.model import SiteDetails

TARIFF: dict[str, Any] = {
    "id": "standard",
    "name": "Standard",
    "currency": "SEK",
    "elements": [
        {
            "price_components": [{"type": "ENERGY", "price": 2.4, "vat": 25, "step_size": 1}],
            "restrictions": {"start_time": "06:00", "end_time": "22:00"},
        },
        {"price_components": [{"type": "ENERGY", "price": "1.60", "vat": "25"}]},
        {"price_components": [{"type": "FLAT", "price": "5", "vat": "25"}]},
    ],
    "tariff_alt_text": [{"language": "sv", "text": "Billigare på natten"}],
}


@pytest.fixture
async def operator(base_url: str, container: Container) -> AsyncIterator[httpx.AsyncClient]:
    key = await container.api_keys.create("operator")
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        yield client


async def _station_on_site(container: Container, currency: str = "SEK") -> None:
    details = SiteDetails(name="Depot", time_zone="Europe/Stockholm", currency=currency)
    await container.sites.create_site("depot", details, "test")
    await container.station_admin.register_station(
        StationId("CP-1"), "station-password-0001", actor="test", site_id=SiteId("depot")
    )


async def test_create_reads_numbers_exactly_and_put_makes_a_new_version(
    client: httpx.AsyncClient,
) -> None:
    created = await client.post("/api/v1/tariffs", json=TARIFF)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["version"] == 1
    component = body["elements"][0]["price_components"][0]
    assert component == {"type": "ENERGY", "price": "2.4", "vat": "25", "step_size": 1}
    assert body["tariff_alt_text"] == [{"language": "sv", "text": "Billigare på natten"}]

    changed = {**TARIFF, "name": "Standard 2027"}
    changed["elements"] = [{"price_components": [{"type": "ENERGY", "price": "3.10"}]}]
    put = await client.put("/api/v1/tariffs/standard", json=changed)
    assert put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["current_version"]) == (2, 2)
    first = (await client.get("/api/v1/tariffs/standard", params={"version": 1})).json()
    assert first["elements"][0]["price_components"][0]["price"] == "2.4"
    assert first["current_version"] == 2
    listed = (await client.get("/api/v1/tariffs")).json()
    assert [(t["id"], t["version"], t["name"]) for t in listed["items"]] == [
        ("standard", 2, "Standard 2027")
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "SEKK"}, "currency"),
        ({"elements": [{"price_components": [{"type": "ENERGY", "price": "-1"}]}]}, "price"),
        ({"elements": [{"price_components": [{"type": "TIME", "price": "1", "vat": 250}]}]}, "vat"),
        ({"name": ""}, "name"),
        ({"id": "no spaces please"}, "id"),
    ],
)
async def test_invalid_tariffs_are_422_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/tariffs", json={**TARIFF, **change})
    assert response.status_code == 422
    assert field in response.json()["error"]["message"]


async def test_bad_json_and_unknown_tariffs(client: httpx.AsyncClient) -> None:
    bad = await client.post(
        "/api/v1/tariffs", content=b"{", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 422
    assert (await client.get("/api/v1/tariffs/nope")).status_code == 404
    assert (await client.put("/api/v1/tariffs/nope", json=TARIFF)).status_code == 404
    assert (await client.post("/api/v1/tariffs", json=TARIFF)).status_code == 201
    assert (await client.post("/api/v1/tariffs", json=TARIFF)).status_code == 409


async def test_only_admin_changes_tariffs(
    client: httpx.AsyncClient, operator: httpx.AsyncClient, container: Container
) -> None:
    assert (await operator.post("/api/v1/tariffs", json=TARIFF)).status_code == 403
    assert (await client.post("/api/v1/tariffs", json=TARIFF)).status_code == 201
    await _station_on_site(container)
    body = {"tariff_id": "standard"}
    assert (await operator.put("/api/v1/stations/CP-1/tariff", json=body)).status_code == 403
    assert (await operator.get("/api/v1/tariffs/standard")).status_code == 200
    entries = await container.database.read(
        lambda uow: uow.audit.entries(target_type="tariff", target_id="standard")
    )
    assert [e["action"] for e in entries] == ["tariff.created"]


async def test_the_most_specific_assignment_applies(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _station_on_site(container)
    for tariff_id in ("site-t", "station-t", "evse-t"):
        response = await client.post("/api/v1/tariffs", json={**TARIFF, "id": tariff_id})
        assert response.status_code == 201
    assert (await client.get("/api/v1/stations/CP-1/tariff")).status_code == 404
    put = await client.put("/api/v1/sites/depot/tariff", json={"tariff_id": "site-t"})
    assert put.status_code == 204
    applied = (await client.get("/api/v1/stations/CP-1/tariff")).json()
    assert applied == {"tariff_id": "site-t", "version": 1, "source": "site"}
    await client.put("/api/v1/stations/CP-1/tariff", json={"tariff_id": "station-t"})
    await client.put("/api/v1/stations/CP-1/tariff", json={"tariff_id": "evse-t", "evse_id": 2})
    one = (await client.get("/api/v1/stations/CP-1/tariff", params={"evse_id": 1})).json()
    two = (await client.get("/api/v1/stations/CP-1/tariff", params={"evse_id": 2})).json()
    assert (one["tariff_id"], one["source"]) == ("station-t", "station")
    assert (two["tariff_id"], two["source"]) == ("evse-t", "evse")


async def test_assignment_checks_what_it_names(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _station_on_site(container, currency="EUR")
    await client.post("/api/v1/tariffs", json=TARIFF)
    wrong_currency = await client.put(
        "/api/v1/stations/CP-1/tariff", json={"tariff_id": "standard"}
    )
    assert wrong_currency.status_code == 422
    assert "EUR" in wrong_currency.json()["error"]["message"]
    missing = [
        await client.put("/api/v1/stations/NOPE/tariff", json={"tariff_id": "standard"}),
        await client.put("/api/v1/sites/nope/tariff", json={"tariff_id": "standard"}),
        await client.put("/api/v1/stations/CP-1/tariff", json={"tariff_id": "nope"}),
    ]
    assert [r.status_code for r in missing] == [404, 404, 404]


async def test_preview_prices_without_storing(client: httpx.AsyncClient) -> None:
    await client.post("/api/v1/tariffs", json=TARIFF)
    body = {
        "start": "2026-01-12T21:30:00+01:00",
        "stop": "2026-01-12T22:45:00+01:00",
        "energy_kwh": "10",
        "charging_ended_at": "2026-01-12T22:30:00+01:00",
        "time_zone": "Europe/Stockholm",
    }
    response = await client.post("/api/v1/tariffs/standard/preview", json=body)
    assert response.status_code == 200, response.text
    priced = response.json()
    # 10 kWh over an hour: 5 kWh before 22:00 at 2.40, 5 after at 1.60, plus the 5.00 flat fee.
    assert [(line["dimension"], line["amount_excl_vat"]) for line in priced["lines"]] == [
        ("FLAT", "5.00"),
        ("ENERGY", "12.00"),
        ("ENERGY", "8.00"),
    ]
    assert (priced["total_excl_vat"], priced["total_vat"], priced["total_incl_vat"]) == (
        "25.00",
        "6.25",
        "31.25",
    )
    assert priced["parking_seconds"] == "900"
    listed = (await client.get("/api/v1/tariffs/standard")).json()
    assert listed["version"] == 1
    wrong = await client.post(
        "/api/v1/tariffs/standard/preview", json={**body, "stop": body["start"][:-6] + "+03:00"}
    )
    assert wrong.status_code == 422
