"""Id tokens are case-insensitive (OCPP 1.6 errata: idTag is a CiString20Type; 2.0.1
IdTokenType: "IdToken is case insensitive"): real stations of both versions presenting a token
in another case than it was registered get the same answer, a stop by the same card in another
case ends the session, a driver's token (stored as a keyed hash) is found in any case, and an
erasure reaches the sessions and reservations of the token in any case."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from laddnet.adapters.db.tables import id_tokens, reservations, sessions
from laddnet.bootstrap import Container
from laddnet.domain.sessions.model import SessionStatus
from tests.integration.ocpp.conftest import Running

CARD = "04A1B2C3D4E5F6"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _answers(running: Running, *tags: str) -> list[str]:
    """Each tag's Authorize status from a 1.6 and then a 2.0.1 station."""
    statuses = []
    for station_id, version, info in (
        ("CP-1", "1.6", "idTagInfo"),
        ("CP-2", "2.0.1", "idTokenInfo"),
    ):
        station = running.station(station_id, version)
        await station.connect()
        try:
            await station.boot()
            statuses += [str((await station.authorize(t))[info]["status"]) for t in tags]
        finally:
            await station.close()
    return statuses


async def test_a_token_in_clear_is_the_same_token_in_any_case(
    running: Running, container: Container
) -> None:
    await container.authorization.add_token("Tag-Ab1")
    await container.authorization.add_token("BLOCKED-1", blocked=True)
    await container.authorization.add_token("blocked-1")  # the same token again: one row
    answers = await _answers(running, "TAG-AB1", "tag-ab1", "Tag-Ab1", "TAG-AB2", "Blocked-1")
    assert answers == ["Accepted", "Accepted", "Accepted", "Invalid", "Accepted"] * 2
    with container.engine.connect() as conn:
        stored = sorted(conn.execute(select(id_tokens.c.value, id_tokens.c.blocked)).all())
    assert [tuple(r) for r in stored] == [("blocked-1", False), ("tag-ab1", False)]


async def test_a_drivers_token_is_found_in_any_case_and_registered_once(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    made = await admin.post("/api/v1/drivers", json={"name": "Bo Ek", "email": "bo@example.se"})
    url = f"/api/v1/drivers/{made.json()['id']}/tokens"
    added = await admin.post(url, json={"value": CARD})
    assert added.status_code == 201 and added.json()["value"] == CARD  # shown as registered
    again = await admin.post(url, json={"value": CARD.lower()})
    assert again.status_code == 409, again.text
    await container.authorization.add_token("app-token-9")
    clash = await admin.post(url, json={"value": "APP-TOKEN-9"})  # a token in clear already
    assert clash.status_code == 409, clash.text
    answers = await _answers(running, CARD, CARD.lower(), "04a1B2c3D4e5F6")
    assert answers == ["Accepted"] * 6
    with container.engine.connect() as conn:
        keys = conn.execute(select(id_tokens.c.value).where(id_tokens.c.driver_id.is_not(None)))
        assert [k[0] for k in keys] == ["#" + added.json()["id"]]


async def test_a_stop_by_the_same_card_in_another_case_ends_the_session(
    running: Running, container: Container
) -> None:
    await container.authorization.add_token("TAG-1")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    start = {
        "connectorId": 1,
        "idTag": "TAG-1",
        "meterStart": 0,
        "timestamp": "2026-11-02T08:00:00Z",
    }
    tx = (await station.call("StartTransaction", start))["transactionId"]
    # A stop without a usable transaction id is matched to the open session by its token.
    stop = {"transactionId": -1, "idTag": "tag-1", "meterStop": 4000,
            "timestamp": "2026-11-02T09:00:00Z"}  # fmt: skip
    answer = await station.call("StopTransaction", stop)
    assert answer["idTagInfo"]["status"] == "Accepted"
    await station.close()
    session = await container.queries.session(int(tx))
    assert session is not None and session.status is SessionStatus.COMPLETED
    assert session.meter_stop_wh is not None and int(session.meter_stop_wh) == 4000
    _items, total = await container.queries.sessions(station_id="CP-1")
    assert total == 1  # no orphan stop was made for "tag-1"


async def test_a_stop_by_another_card_is_not_the_sessions(
    running: Running, container: Container
) -> None:
    await container.authorization.add_token("TAG-1")
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    start = {
        "connectorId": 1,
        "idTag": "TAG-1",
        "meterStart": 0,
        "timestamp": "2026-11-02T08:00:00Z",
    }
    tx = (await station.call("StartTransaction", start))["transactionId"]
    stop = {"transactionId": -1, "idTag": "TAG-2", "meterStop": 4000,
            "timestamp": "2026-11-02T09:00:00Z"}  # fmt: skip
    await station.call("StopTransaction", stop)
    await station.close()
    session = await container.queries.session(int(tx))
    assert session is not None and session.status is SessionStatus.ACTIVE


async def test_erasing_a_driver_reaches_sessions_and_reservations_of_the_token_in_any_case(
    running: Running, admin: httpx.AsyncClient, container: Container
) -> None:
    made = await admin.post("/api/v1/drivers", json={"name": "Bo Ek", "email": "bo@example.se"})
    driver_id = made.json()["id"]
    await admin.post(f"/api/v1/drivers/{driver_id}/tokens", json={"value": CARD})
    station = running.station("CP-2", "2.0.1")
    await station.connect()
    await station.boot()
    await station.start_session(1, CARD.lower(), meter_start_wh=0, timestamp=T0)
    assert station.evses[1].id_tag_status == "Accepted"
    await station.close()
    await container.database.write(
        lambda uow: uow.reservations.add("CP-1", 1, "04a1b2C3D4E5F6", T0, T0)
    )
    assert (await admin.delete(f"/api/v1/drivers/{driver_id}")).status_code == 204
    with container.engine.connect() as conn:
        assert conn.execute(select(sessions.c.id_token)).scalar_one() == "(erased)"
        assert conn.execute(select(reservations.c.id_token)).scalar_one() == "(erased)"


async def test_a_local_list_naming_a_token_twice_in_two_cases_is_refused(
    admin: httpx.AsyncClient, container: Container
) -> None:
    await container.stations.add_station("CP-9", "station-password-0001")  # type: ignore[arg-type]
    body = {"version": 2, "update": "full",
            "tokens": [{"id_token": "AB-1", "status": "Accepted"},
                       {"id_token": "ab-1", "status": "Blocked"}]}  # fmt: skip
    answer = await admin.post("/api/v1/stations/CP-9/commands/send-local-list", json=body)
    assert answer.status_code == 422 and "listed twice" in answer.text
