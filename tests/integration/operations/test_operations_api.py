"""Station operations through the HTTP API against real 1.6J and 2.0.1 SimStations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from laddnet.adapters.db.tables import outbox_events
from tests.integration.commands.conftest import Live

VERSIONS = ["1.6", "2.0.1"]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _configuration(live: Live, sid: str = "CP-1", **params: str) -> list[dict[str, Any]]:
    answer = await live.api.get(f"/api/v1/stations/{sid}/configuration", params=params)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _calls(station: Any, action: str) -> list[dict[str, Any]]:
    return [p for a, p in station.received_calls if a == action]


@pytest.mark.parametrize("version", VERSIONS)
async def test_configuration_is_read_once_at_first_boot_and_stored(
    live: Live, version: str
) -> None:
    station = await live.station("CP-1", version)
    action = "GetConfiguration" if version == "1.6" else "GetBaseReport"

    async def stored() -> bool:
        return bool(await _configuration(live))

    await eventually(stored)
    items = {(i["component"], i["variable"]): i for i in await _configuration(live)}
    if version == "1.6":
        assert _calls(station, action) == [{}]
        item = items[("", "NumberOfConnectors")]
        assert item["readonly"] is True
        assert item["mutability"] == "ReadOnly"
        assert items[("", "HeartbeatInterval")]["value"] == "300"
    else:
        assert _calls(station, action)[0]["reportBase"] == "FullInventory"
        item = items[("SecurityCtrlr", "SecurityProfile")]
        assert item["readonly"] is True
        assert item["type"] == "Actual"
        assert items[("OCPPCommCtrlr", "HeartbeatInterval")]["value"] == "300"
        filtered = await _configuration(live, component="OCPPCommCtrlr")
        assert {i["component"] for i in filtered} == {"OCPPCommCtrlr"}

    async def read_at_set() -> bool:
        return (
            await live.container.database.read(lambda uow: uow.configuration.read_at("CP-1"))
            is not None
        )

    await eventually(read_at_set)
    await station.boot()  # a second boot is not asked again
    await asyncio.sleep(0.3)
    assert len(_calls(station, action)) == 1
    record = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][-1]
    assert record["sent_by"] == "laddnet"

    # A successful set-configuration updates the stored value.
    body = (
        {"key": "HeartbeatInterval", "value": "120"}
        if version == "1.6"
        else {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "120"}
    )
    answer = await live.api.post("/api/v1/stations/CP-1/commands/set-configuration", json=body)
    assert answer.status_code == 200, answer.text
    component = "" if version == "1.6" else "OCPPCommCtrlr"
    items = {(i["component"], i["variable"]): i for i in await _configuration(live)}
    assert items[(component, "HeartbeatInterval")]["value"] == "120"
    assert items[(component, "HeartbeatInterval")]["mutability"] == "ReadWrite"
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_firmware_update_walks_to_installed(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)
    retrieve = "2030-01-01T10:00:00Z"
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/update-firmware",
        json={"location": "https://fw.example.com/v2.bin", "retrieve_at": retrieve, "retries": 2},
    )
    assert answer.status_code == 200, answer.text
    sent = _calls(station, "UpdateFirmware")[0]
    if version == "1.6":
        assert sent["location"] == "https://fw.example.com/v2.bin"
        assert sent["retrieveDate"].startswith("2030-01-01T10:00:00")
        assert sent["retries"] == 2
    else:
        assert sent["firmware"]["location"] == "https://fw.example.com/v2.bin"
        assert isinstance(sent["requestId"], int)

    async def installed() -> bool:
        body = (await live.api.get("/api/v1/stations/CP-1/firmware")).json()
        return bool(body["firmware_version"] == "2.0.0-sim" and body["updates"])

    await eventually(installed)
    firmware = (await live.api.get("/api/v1/stations/CP-1/firmware")).json()
    update = firmware["updates"][0]
    assert update["status"] == "Installed"
    assert [s["status"] for s in update["statuses"]] == [
        "Downloading",
        "Downloaded",
        "Installing",
        "Installed",
    ]
    assert update["command_id"] == answer.json()["command_id"]
    rows = await live.container.database.read(
        lambda uow: uow.connection.execute(  # type: ignore[attr-defined]
            select(outbox_events.c.data).where(outbox_events.c.type == "firmware.status_changed")
        ).all()
    )
    assert "Installed" in [r.data["status"] for r in rows]
    await station.close()


async def test_signed_firmware_is_not_sent_unchecked(live: Live) -> None:
    # With no firmware signing CA configured the signature cannot be checked: refused, not
    # sent (test_firmware_integrity.py sends verified ones as SignedUpdateFirmware on 1.6).
    station = await live.station("CP-1", "1.6")
    body = {
        "location": "https://fw.example.com/v2.bin",
        "retrieve_at": "2030-01-01T10:00:00Z",
        "signature": "c2lnbmF0dXJl",
        "signing_certificate": "-----BEGIN CERTIFICATE-----",
    }
    answer = await live.api.post("/api/v1/stations/CP-1/commands/update-firmware", json=body)
    assert answer.status_code == 422, answer.text
    assert _calls(station, "SignedUpdateFirmware") == []
    await station.close()


@pytest.mark.parametrize(
    ("version", "kind", "action"),
    [
        ("1.6", "diagnostics", "GetDiagnostics"),
        ("1.6", "security", "GetLog"),
        ("2.0.1", "diagnostics", "GetLog"),
        ("2.0.1", "security", "GetLog"),
    ],
)
async def test_log_upload_end_to_end(live: Live, version: str, kind: str, action: str) -> None:
    base = str(live.api.base_url).rstrip("/")
    live.container.operations.logs._public_url = base
    station = await live.station("CP-1", version)
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/get-log",
        json={"type": kind, "since": "2025-01-01T00:00:00Z"},
    )
    assert answer.status_code == 200, answer.text
    sent = _calls(station, action)[0]
    location = sent["location"] if action == "GetDiagnostics" else sent["log"]["remoteLocation"]
    assert location.startswith(f"{base}/api/v1/log-uploads/")
    # The location is a credential: the command log, readable by any key, never holds it.
    recorded = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert location not in str(recorded)
    assert "[redacted]" in str(recorded["request"])

    async def uploaded() -> bool:
        items = (await live.api.get("/api/v1/stations/CP-1/logs")).json()["items"]
        return bool(items and items[0]["status"] == "Uploaded" and items[0]["size_bytes"])

    await eventually(uploaded)
    log = (await live.api.get("/api/v1/stations/CP-1/logs")).json()["items"][0]
    assert log["type"] == kind
    download = await live.api.get(f"/api/v1/stations/CP-1/logs/{log['id']}/file")
    assert download.status_code == 200
    assert b"simulated station log" in download.content
    assert "attachment" in download.headers["content-disposition"]
    async with httpx.AsyncClient() as anonymous:
        again = await anonymous.post(location, content=b"again")
        assert again.status_code == 410
        unknown = await anonymous.post(f"{base}/api/v1/log-uploads/nope", content=b"x")
        assert unknown.status_code == 404
        unauthenticated = await anonymous.get(f"{base}/api/v1/stations/CP-1/logs/{log['id']}/file")
        assert unauthenticated.status_code == 401
    await station.close()


async def test_log_upload_refuses_expired_and_oversize(live: Live) -> None:
    logs = live.container.operations.logs
    base = str(live.api.base_url).rstrip("/")
    logs._public_url = base
    logs.max_bytes = 100
    station = await live.station("CP-1", "2.0.1")
    station.responder.table = {
        **station.responder.table,
        "GetLog": lambda _r, _p: __import__("laddnet.sim.responder").sim.responder.Answer(
            {"status": "Accepted"}
        ),
    }
    await live.api.post("/api/v1/stations/CP-1/commands/get-log", json={"type": "diagnostics"})
    location = _calls(station, "GetLog")[0]["log"]["remoteLocation"]
    async with httpx.AsyncClient() as anonymous:
        big = await anonymous.put(location, content=b"x" * 101)
        assert big.status_code == 413
        logs._ttl = timedelta(seconds=-1)
        await live.api.post("/api/v1/stations/CP-1/commands/get-log", json={"type": "security"})
        expired = _calls(station, "GetLog")[1]["log"]["remoteLocation"]
        assert (await anonymous.put(expired, content=b"x")).status_code == 410
        ok = await anonymous.put(location, content=b"small raw log")
        assert ok.status_code == 201, ok.text
    await station.close()


async def _reservations(live: Live) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await live.api.get("/api/v1/stations/CP-1/reservations")).json()[
        "items"
    ]
    return items


@pytest.mark.parametrize("version", VERSIONS)
async def test_reservation_active_then_expired_by_the_timer(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)
    # Far enough ahead that a loaded machine still posts it in the future, near enough to wait for.
    expires = datetime.now(UTC) + timedelta(seconds=4)
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/reserve-now",
        json={"id_token": "TAG-1", "evse_id": 1, "expires_at": expires.isoformat()},
    )
    assert answer.status_code == 200, answer.text
    sent = _calls(station, "ReserveNow")[0]
    [reservation] = await _reservations(live)
    assert reservation["status"] == "active"
    if version == "1.6":
        assert sent["reservationId"] == reservation["id"]
        assert sent["connectorId"] == 1
        assert sent["idTag"] == "TAG-1"
    else:
        assert sent["id"] == reservation["id"]
        assert sent["evseId"] == 1
        assert sent["idToken"] == {"idToken": "TAG-1", "type": "ISO14443"}
    # An active reservation shows on the station and on its EVSE's connectors.
    await station.status(1, "Reserved")
    for path in ("/api/v1/stations/CP-1", "/api/v1/stations"):
        body = (await live.api.get(path)).json()
        shown = body if path.endswith("CP-1") else body["items"][0]
        assert [r["reservation_id"] for r in shown["reservations"]] == [reservation["id"]]
        [connector] = [c for c in shown["connectors"] if c["evse_id"] == 1]
        assert connector["reservation"]["id_token"] == "TAG-1"
    timer = asyncio.create_task(live.container.operations.reservations.run_expiry(0.1))
    try:

        async def expired() -> bool:
            return bool((await _reservations(live))[0]["status"] == "expired")

        await eventually(expired, timeout=15)
    finally:
        timer.cancel()
    shown = (await live.api.get("/api/v1/stations/CP-1")).json()
    assert shown["reservations"] == []
    assert all(c["reservation"] is None for c in shown["connectors"])
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_reservation_cancelled_and_used(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)
    expires = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    for _ in range(2):
        answer = await live.api.post(
            "/api/v1/stations/CP-1/commands/reserve-now",
            json={"id_token": "TAG-1", "evse_id": 1, "expires_at": expires},
        )
        assert answer.status_code == 200, answer.text
    second, first = await _reservations(live)
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/cancel-reservation",
        json={"reservation_id": first["id"]},
    )
    assert answer.status_code == 200, answer.text
    assert _calls(station, "CancelReservation") == [{"reservationId": first["id"]}]
    if version == "1.6":
        payload = {
            "connectorId": 1,
            "idTag": "TAG-1",
            "meterStart": 0,
            "timestamp": datetime.now(UTC).isoformat(),
            "reservationId": second["id"],
        }
        await station.call("StartTransaction", payload)
    else:
        await station.call(
            "ReservationStatusUpdate",
            {"reservationId": second["id"], "reservationUpdateStatus": "Removed"},
        )
    statuses = {r["id"]: r["status"] for r in await _reservations(live)}
    assert statuses[first["id"]] == "cancelled"
    assert statuses[second["id"]] == ("used" if version == "1.6" else "cancelled")
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_send_local_list_payloads(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)
    body = {
        "version": 3,
        "update": "full",
        "tokens": [
            {"id_token": "TAG-1", "status": "Accepted", "expires_at": "2030-01-01T00:00:00Z"},
            {"id_token": "TAG-2", "status": "Blocked", "group": "GROUP-1"},
        ],
    }
    answer = await live.api.post("/api/v1/stations/CP-1/commands/send-local-list", json=body)
    assert answer.status_code == 200, answer.text
    sent = _calls(station, "SendLocalList")[0]
    if version == "1.6":
        assert sent["listVersion"] == 3
        assert sent["updateType"] == "Full"
        assert sent["localAuthorizationList"][1] == {
            "idTag": "TAG-2",
            "idTagInfo": {"status": "Blocked", "parentIdTag": "GROUP-1"},
        }
    else:
        assert sent["versionNumber"] == 3
        assert sent["localAuthorizationList"][1] == {
            "idToken": {"idToken": "TAG-2", "type": "ISO14443"},
            "idTokenInfo": {
                "status": "Blocked",
                "groupIdToken": {"idToken": "GROUP-1", "type": "Central"},
            },
        }
    await station.close()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("update-firmware", {"location": "not a url", "retrieve_at": "2030-01-01T00:00:00Z"}),
        ("update-firmware", {"location": "https://x/y", "retrieve_at": "2030-01-01T00:00:00"}),
        ("get-log", {"type": "everything"}),
        ("reserve-now", {"id_token": "T", "expires_at": "2030-01-01T00:00:00Z", "x": 1}),
        ("cancel-reservation", {"reservation_id": 0}),
        ("send-local-list", {"version": 0, "update": "full"}),
        ("send-local-list", {"version": 1, "update": "full", "tokens": [{"id_token": "T"}]}),
    ],
)
async def test_bad_bodies_are_422(live: Live, name: str, body: dict[str, Any]) -> None:
    answer = await live.api.post(f"/api/v1/stations/CP-1/commands/{name}", json=body)
    assert answer.status_code == 422, answer.text
