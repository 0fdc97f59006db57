"""GET /api/v1/stations and /api/v1/stations/{id} over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.commands import RegisterBoot
from laddnet.domain.stations.model import (
    WHOLE_STATION,
    AvailabilityReport,
    ChargingState,
    ConnectorStatus,
    StationInfo,
    StatusReport,
)

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


async def add_stations(container: Container, *ids: str) -> None:
    await container.stations.add_stations([(StationId(i), f"pw-{i}-0123456789") for i in ids])


async def test_list_is_paginated_with_totals(
    container: Container, client: httpx.AsyncClient
) -> None:
    await add_stations(container, "CP-3", "CP-1", "CP-2")

    first = (await client.get("/api/v1/stations", params={"limit": 2})).json()
    second = (await client.get("/api/v1/stations", params={"limit": 2, "offset": 2})).json()
    beyond = (await client.get("/api/v1/stations", params={"offset": 10})).json()

    assert [s["id"] for s in first["items"]] == ["CP-1", "CP-2"]
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [s["id"] for s in second["items"]] == ["CP-3"]
    assert (second["total"], second["offset"]) == (3, 2)
    assert beyond["items"] == []
    assert beyond["total"] == 3


async def test_default_page_size_is_50(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/stations")).json()
    assert (body["limit"], body["offset"], body["total"]) == (50, 0, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset")],
)
async def test_pagination_out_of_range_is_422_naming_the_field(
    client: httpx.AsyncClient, params: dict[str, int], field: str
) -> None:
    response = await client.get("/api/v1/stations", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert f"query parameter '{field}'" in error["message"]


async def test_limit_500_is_allowed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/stations", params={"limit": 500})
    assert response.status_code == 200
    assert response.json()["limit"] == 500


async def test_unknown_station_is_404_with_message(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/stations/NOPE-1")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "station 'NOPE-1' not found"}
    }


async def test_new_station_has_no_live_state_yet(
    container: Container, client: httpx.AsyncClient
) -> None:
    await add_stations(container, "CP-NEW")
    body = (await client.get("/api/v1/stations/CP-NEW")).json()
    assert body == {
        "id": "CP-NEW",
        "connected": False,
        "node": None,
        "last_seen_at": None,
        "last_boot_at": None,
        "registration_status": None,
        "ocpp_version": None,
        "vendor": None,
        "model": None,
        "serial_number": None,
        "firmware_version": None,
        "availability": None,
        "evses": [],
        "connectors": [],
        "site_id": None,
        "display_name": None,
        "decommissioned_at": None,
        "reservations": [],
        "service_status": "offline",
        "maintenance": None,
        "security_profile": 1,
        "allowed_networks": None,
    }


async def test_station_shows_boot_presence_and_connector_state(
    container: Container, client: httpx.AsyncClient
) -> None:
    sid = StationId("CP-LIVE")
    await add_stations(container, sid)
    info = StationInfo(vendor="Acme", model="Fast 50", serial_number="SN-9", firmware_version="1.2")
    await container.stations.register_boot(RegisterBoot(sid, info, "2.0.1"))
    await container.stations.set_presence(sid, True, "2.0.1")
    cest = timezone(timedelta(hours=2))
    await container.stations.report_status(
        StatusReport(
            sid,
            EvseId(1),
            ConnectorId(1),
            ConnectorStatus.OCCUPIED,
            ChargingState.CHARGING,
            None,
            T0.astimezone(cest),
        )
    )
    await container.stations.report_status(
        StatusReport(
            sid, EvseId(2), ConnectorId(1), ConnectorStatus.FAULTED, None, "GroundFailure", T0
        )
    )

    body = (await client.get(f"/api/v1/stations/{sid}")).json()

    assert body["connected"] is True
    assert body["node"] == container.settings.node_id
    assert body["registration_status"] == "Accepted"
    assert body["ocpp_version"] == "2.0.1"
    assert (body["vendor"], body["model"]) == ("Acme", "Fast 50")
    assert (body["serial_number"], body["firmware_version"]) == ("SN-9", "1.2")
    assert datetime.fromisoformat(body["last_boot_at"]).utcoffset() == timedelta(0)
    assert body["last_seen_at"].endswith("+00:00")
    assert body["connectors"] == [
        {
            "evse_id": 1,
            "connector_id": 1,
            "status": "Occupied",
            "charging_state": "Charging",
            "error_code": None,
            "reported_at": "2025-03-01T08:00:00+00:00",
            "reservation": None,
            "service_status": "in_use",
        },
        {
            "evse_id": 2,
            "connector_id": 1,
            "status": "Faulted",
            "charging_state": None,
            "error_code": "GroundFailure",
            "reported_at": "2025-03-01T08:00:00+00:00",
            "reservation": None,
            "service_status": "needs_maintenance",
        },
    ]
    assert body["service_status"] == "in_use"  # a connector in use, the other faulted
    listed = (await client.get("/api/v1/stations")).json()["items"]
    assert listed == [body]


async def test_station_shows_its_own_and_each_evses_availability(
    container: Container, client: httpx.AsyncClient
) -> None:
    sid = StationId("CP-EVSE")
    await add_stations(container, sid, "CP-OTHER")
    unavailable, occupied = ConnectorStatus.UNAVAILABLE, ConnectorStatus.OCCUPIED
    await container.stations.report_status(
        AvailabilityReport(sid, WHOLE_STATION, unavailable, None, T0)
    )
    await container.stations.report_status(AvailabilityReport(sid, EvseId(2), occupied, None, T0))
    await container.stations.report_status(
        StatusReport(sid, EvseId(2), ConnectorId(2), ConnectorStatus.AVAILABLE, None, None, T0)
    )

    body = (await client.get(f"/api/v1/stations/{sid}")).json()

    at = "2025-03-01T08:00:00+00:00"
    assert body["availability"] == {"status": "Unavailable", "error_code": None, "reported_at": at}
    assert body["evses"] == [
        {"evse_id": 2, "status": "Occupied", "error_code": None, "reported_at": at}
    ]
    # An EVSE's state is its own: its free connector stays Available.
    assert [(c["evse_id"], c["connector_id"], c["status"]) for c in body["connectors"]] == [
        (2, 2, "Available")
    ]
    listed = (await client.get("/api/v1/stations")).json()["items"]
    assert [s["evses"] for s in listed] == [body["evses"], []]
    assert [s["availability"] for s in listed] == [body["availability"], None]
