"""A driver's id tokens through the real HTTP API and a real OCPP station: the database holds
the token only hashed (the lookup key) and encrypted, stations' Authorize and
StartTransaction / TransactionEvent with it are accepted, and it leaves with the driver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from laddnet.adapters.db.tables import id_tokens, reservations, sessions
from laddnet.adapters.db.tables.pricing import cdrs
from laddnet.bootstrap import Container
from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.cdr import Cdr
from tests.integration.ocpp.conftest import Running
from tests.unit.domain.pricing.builders import a_session, a_tariff, component, element, priced

CARD = "04A1B2C3D4E5F6"  # an RFID card's UID
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _driver(admin: httpx.AsyncClient) -> str:
    created = await admin.post("/api/v1/drivers", json={"name": "Bo Ek", "email": "bo@example.se"})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _status(running: Running, tag: str, station_id: str = "CP-1") -> str:
    station = running.station(station_id, "1.6")
    await station.connect()
    try:
        await station.boot()
        return str((await station.authorize(tag))["idTagInfo"]["status"])
    finally:
        await station.close()


async def test_a_drivers_token_is_stored_hashed_and_encrypted_and_stations_accept_it(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    driver_id = await _driver(admin)
    added = await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
    assert added.status_code == 201, added.text
    token = added.json()
    assert (token["value"], token["kind"], token["blocked"]) == (CARD, "rfid", False)
    listed = (await admin.get(f"/api/v1/drivers/{driver_id}/tokens")).json()
    assert [t["value"] for t in listed] == [CARD]

    with container.engine.connect() as conn:
        row = conn.execute(select(id_tokens)).one()
    assert row.value == "#" + token["id"] and CARD not in str(tuple(row))
    assert row.driver_id == driver_id and row.value_enc.startswith("v1.data-1.")

    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    assert (await station.authorize(CARD))["idTagInfo"]["status"] == "Accepted"
    await station.start_session(1, CARD, meter_start_wh=1000, timestamp=T0)
    assert station.evses[1].id_tag_status == "Accepted"
    await station.close()

    v201 = running.station("CP-2", "2.0.1")
    await v201.connect()
    await v201.boot()
    assert (await v201.authorize(CARD))["idTokenInfo"]["status"] == "Accepted"
    assert (await v201.authorize(row.value))["idTokenInfo"]["status"] == "Invalid"  # the key
    await v201.close()

    exported = (await admin.get(f"/api/v1/drivers/{driver_id}/export")).json()
    assert [(t["value"], t["kind"]) for t in exported["id_tokens"]] == [(CARD, "rfid")]


async def test_tokens_are_checked_removed_and_leave_with_the_driver(
    running: Running, admin: httpx.AsyncClient, container: Container, base_url: str
) -> None:
    driver_id = await _driver(admin)
    url = f"/api/v1/drivers/{driver_id}/tokens"
    first = (await admin.post(url, json={"value": "APP-TOKEN-1", "kind": "app"})).json()
    assert (await admin.post(url, json={"value": "APP-TOKEN-1"})).status_code == 409
    await container.authorization.add_token("SHARED-CARD")
    assert (await admin.post(url, json={"value": "SHARED-CARD"})).status_code == 409
    hashed = await admin.post(url, json={"value": "#" + first["id"][:20]})
    assert hashed.status_code == 422 and "must not start with" in hashed.text
    with pytest.raises(InvalidInput, match="must not start with"):  # nor a token in clear
        await container.authorization.add_token("#" + first["id"], blocked=True)
    for bad in ({"value": ""}, {"value": "x" * 37}, {"value": "A", "kind": "nfc"}):
        assert (await admin.post(url, json=bad)).status_code == 422, bad
    nobody = await admin.post("/api/v1/drivers/nobody/tokens", json={"value": "A"})
    assert nobody.status_code == 404

    viewer = await container.api_keys.create("viewer")
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {viewer}"}
    ) as http:
        assert (await http.post(url, json={"value": "VIEWER-1"})).status_code == 403
        assert (await http.delete(f"{url}/{first['id']}")).status_code == 403

    assert await _status(running, "APP-TOKEN-1") == "Accepted"
    assert (await admin.delete(f"{url}/{first['id']}")).status_code == 204
    assert (await admin.delete(f"{url}/{first['id']}")).status_code == 404
    assert await _status(running, "APP-TOKEN-1") == "Invalid"

    await admin.post(url, json={"value": CARD})
    assert await _status(running, CARD) == "Accepted"
    assert (await admin.delete(f"/api/v1/drivers/{driver_id}")).status_code == 204
    assert await _status(running, CARD) == "Invalid"
    with container.engine.connect() as conn:
        left = conn.execute(select(id_tokens.c.value, id_tokens.c.driver_id)).all()
    assert [tuple(r) for r in left] == [("shared-card", None)]  # folded: case-insensitive
    rows, _ = await container.audit.search(limit=50)
    actions = [r["action"] for r in rows if r["target_id"] == driver_id]
    assert {"driver.token_added", "driver.token_removed", "driver.erased"} <= set(actions)
    assert not [r for r in rows if CARD in str(r) or "APP-TOKEN-1" in str(r)]


async def test_erasing_a_driver_anonymizes_the_sessions_of_their_tokens(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    driver_id = await _driver(admin)
    await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
    await container.authorization.add_token("OTHER-TAG")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    mine = int(await station.start_session(1, CARD, meter_start_wh=1000, timestamp=T0))
    other = int(await station.start_session(2, "OTHER-TAG", meter_start_wh=0, timestamp=T0))
    await station.close()
    await container.database.write(
        lambda uow: uow.reservations.add("CP-1", 1, CARD, T0, T0)  # a reservation made for her
    )
    before = (await admin.get(f"/api/v1/sessions/{mine}")).json()
    assert before["id_token"] == CARD

    assert (await admin.delete(f"/api/v1/drivers/{driver_id}")).status_code == 204
    after = await admin.get(f"/api/v1/sessions/{mine}")
    assert after.status_code == 200 and after.json()["id_token"] == "(erased)"
    assert after.json()["energy_wh"] == before["energy_wh"]  # the session itself stays
    assert (await admin.get(f"/api/v1/sessions/{other}")).json()["id_token"] == "OTHER-TAG"
    with container.engine.connect() as conn:
        stored = [str(tuple(r)) for r in conn.execute(select(sessions))]
    assert len(stored) == 2 and not [r for r in stored if CARD in r]
    with container.engine.connect() as conn:
        assert conn.execute(select(reservations.c.id_token)).scalar_one() == "(erased)"
    rows, _ = await container.audit.search(limit=50)
    erased = next(r for r in rows if r["action"] == "driver.erased")
    assert erased["detail"] == {"tokens_removed": 1, "sessions_anonymized": 1}


async def test_rotating_the_data_key_reencrypts_the_tokens(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    driver_id = await _driver(admin)
    await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
    rotated = await admin.post("/api/v1/keys/rotate")
    assert rotated.status_code == 200 and rotated.json()["data_key"] == "data-2", rotated.text
    with container.engine.connect() as conn:
        sealed = conn.execute(select(id_tokens.c.value_enc)).scalar_one()
    assert sealed.startswith("v1.data-2.")
    listed = (await admin.get(f"/api/v1/drivers/{driver_id}/tokens")).json()
    assert [t["value"] for t in listed] == [CARD]
    assert await _status(running, CARD) == "Accepted"  # the keyed hash did not change


async def test_erasing_a_driver_pseudonymizes_their_cdrs_keeping_the_amounts(
    admin: httpx.AsyncClient, container: Container
) -> None:
    """CDRs are bookkeeping records: erasure keeps them and their totals, the token becomes
    one random pseudonym shared by the driver's CDRs (docs/security.md)."""
    driver_id = await _driver(admin)
    await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
    await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": "APP-TOKEN-9"})
    result = priced(
        a_tariff(element(component("ENERGY", "2", "25")), currency="SEK"), a_session(T0, 60, "10")
    )

    def cdr(session_id: int, token: str) -> Cdr:
        return Cdr(session_id, "CP-1", None, 1, token, T0, T0 + timedelta(hours=1),
                   "Europe/Stockholm", "t", 1, result, (), T0)  # fmt: skip

    issued = [cdr(1, CARD), cdr(2, "APP-TOKEN-9"), cdr(3, "OTHER-TAG")]
    await container.database.write(lambda uow: [uow.cdrs.add(c) for c in issued])
    before = {c["session_id"]: c for c in (await admin.get("/api/v1/cdrs")).json()["items"]}

    assert (await admin.delete(f"/api/v1/drivers/{driver_id}")).status_code == 204
    after = {c["session_id"]: c for c in (await admin.get("/api/v1/cdrs")).json()["items"]}
    assert after[3]["id_token"] == "OTHER-TAG"
    pseudonym = after[1]["id_token"]
    assert pseudonym.startswith("(erased:") and after[2]["id_token"] == pseudonym
    for number in (1, 2, 3):
        assert after[number]["total_incl_vat"] == before[number]["total_incl_vat"]
        assert after[number]["lines"] == before[number]["lines"]
    with container.engine.connect() as conn:
        stored = [str(tuple(r)) for r in conn.execute(select(cdrs))]
    assert not [r for r in stored if CARD in r or "APP-TOKEN-9" in r]
    rows, _ = await container.audit.search(limit=50)
    erased = next(r for r in rows if r["action"] == "driver.erased")
    assert erased["detail"]["cdrs_pseudonymized"] == 2
    assert pseudonym not in str(rows)  # nothing links the pseudonym to the driver
