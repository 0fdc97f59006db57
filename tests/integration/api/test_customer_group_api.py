"""Tariffs for customer groups over HTTP: PUT a station's or site's tariff for a group, GET
the tariff a session of a group would get; an unknown group is 422."""

from __future__ import annotations

import httpx

from laddnet.bootstrap import Container
from tests.integration.api.test_cdrs_api import TARIFF, _setup


async def test_assign_and_read_a_tariff_for_a_customer_group(
    client: httpx.AsyncClient, container: Container
) -> None:
    await _setup(container)  # the site s1 has flat-energy for everyone
    fleet = {**TARIFF, "id": "fleet", "name": "Fleet"}
    assert (await client.post("/api/v1/tariffs", json=fleet)).status_code == 201
    put = await client.put(
        "/api/v1/sites/s1/tariff", json={"tariff_id": "fleet", "customer_group": "fleet"}
    )
    assert put.status_code == 204
    url = "/api/v1/stations/CP-1/tariff"
    assert (await client.get(url, params={"customer_group": "fleet"})).json()[
        "tariff_id"
    ] == "fleet"
    assert (await client.get(url, params={"customer_group": "member"})).json()[
        "tariff_id"
    ] == "flat-energy"
    assert (await client.get(url)).json()["tariff_id"] == "flat-energy"
    # A station's own tariff for members applies to members there.
    body = {"tariff_id": "fleet", "customer_group": "member", "evse_id": 1}
    assert (await client.put(url, json=body)).status_code == 204
    member = (await client.get(url, params={"customer_group": "member", "evse_id": 1})).json()
    assert (member["tariff_id"], member["source"]) == ("fleet", "evse")
    bad = await client.put(url, json={"tariff_id": "fleet", "customer_group": "vip"})
    assert bad.status_code == 422
    assert (await client.get(url, params={"customer_group": "vip"})).status_code == 422
