"""GET /api/v1/sessions, one session and its meter values over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.sessions.commands import (
    EventType,
    RecordTransactionEvent,
    StartSession,
    StopSession,
)
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from tests.integration.ocpp.conftest import registered_long_ago

DAY1 = datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)
A, B = StationId("CP-A"), StationId("CP-B")


async def start(
    container: Container,
    station: StationId,
    at: datetime,
    meter_wh: str = "0",
    id_token: str = "TAG",
    evse: int = 1,
) -> int:
    cmd = StartSession(station, evse, 1, id_token, Decimal(meter_wh), at, "1.6")
    return (await container.sessions.start_session(cmd)).session_id


@pytest.fixture
async def sessions(container: Container) -> dict[str, int]:
    """A completed session on day 1, open ones on days 2 and 3 at A, and one on day 2 at B."""
    await container.stations.add_stations([(A, "pw-a-0123456789"), (B, "pw-b-0123456789")])
    registered_long_ago(container, A, B)
    done = await start(container, A, DAY1, "1000", id_token="TAG-1")
    halfway = MeterSample(
        DAY1 + timedelta(minutes=30), ENERGY_REGISTER, Decimal("6000.5"), "Wh", context="Periodic"
    )
    stopped_at = DAY1 + timedelta(hours=1)
    await container.sessions.stop_session(
        StopSession(A, done, "TAG-1", Decimal("13345.678"), stopped_at, "Local", (halfway,))
    )
    return {
        "a1": done,
        "a2": await start(container, A, DAY2),
        # on another EVSE (1.6 connector): a new start on a busy one would close (supersede) a2
        "a3": await start(container, A, DAY3, evse=2),
        "b2": await start(container, B, DAY2 + timedelta(hours=2)),
    }


async def ids(client: httpx.AsyncClient, **params: str | int) -> tuple[list[int], int]:
    response = await client.get("/api/v1/sessions", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return [s["id"] for s in body["items"]], body["total"]


async def test_lists_newest_first_with_totals(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    s = sessions
    assert await ids(client) == ([s["a3"], s["b2"], s["a2"], s["a1"]], 4)
    assert await ids(client, limit=2, offset=1) == ([s["b2"], s["a2"]], 4)
    assert await ids(client, offset=4) == ([], 4)


async def test_filters_by_station(client: httpx.AsyncClient, sessions: dict[str, int]) -> None:
    s = sessions
    assert await ids(client, station_id="CP-A") == ([s["a3"], s["a2"], s["a1"]], 3)
    assert await ids(client, station_id="CP-B") == ([s["b2"]], 1)
    assert await ids(client, station_id="CP-NONE") == ([], 0)


async def test_filters_by_time_since_inclusive_until_exclusive(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    s = sessions
    assert await ids(client, since=DAY2.isoformat()) == ([s["a3"], s["b2"], s["a2"]], 3)
    assert await ids(client, until=DAY2.isoformat()) == ([s["a1"]], 1)
    window = {"since": "2025-01-02T00:00:00Z", "until": "2025-01-03T10:00:00Z"}
    assert await ids(client, **window) == ([s["b2"], s["a2"]], 2)
    assert await ids(client, **window, station_id="CP-A") == ([s["a2"]], 1)


async def test_time_filters_honour_the_offset(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    # 11:30+01:00 is 10:30Z: after a2 (10:00Z), before b2 (12:00Z) on day 2.
    assert await ids(client, since="2025-01-02T11:30:00+01:00", until="2025-01-03T00:00:00Z") == (
        [sessions["b2"]],
        1,
    )


@pytest.mark.parametrize("field", ["since", "until"])
async def test_naive_datetime_is_422_saying_a_timezone_is_needed(
    client: httpx.AsyncClient, field: str
) -> None:
    response = await client.get("/api/v1/sessions", params={field: "2025-01-02T00:00:00"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith(f"query parameter '{field}': must carry a timezone")


async def test_unparseable_datetime_is_422_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/sessions", params={"since": "yesterday"})
    assert response.status_code == 422
    assert "query parameter 'since'" in response.json()["error"]["message"]


async def test_until_before_since_is_422(client: httpx.AsyncClient) -> None:
    params = {"since": "2025-01-02T00:00:00Z", "until": "2025-01-01T00:00:00Z"}
    response = await client.get("/api/v1/sessions", params=params)
    assert response.status_code == 422
    assert response.json() == {
        "error": {"code": "invalid_input", "message": "query parameter 'until' is before 'since'"}
    }


async def test_completed_session_fields_and_exact_energy(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    sid = sessions["a1"]
    response = await client.get(f"/api/v1/sessions/{sid}")
    assert response.status_code == 200
    # Parse numbers as Decimal: a value that went through float rounding would not compare equal.
    body = json.loads(response.text, parse_float=Decimal)
    assert body == {
        "id": sid,
        "transaction_id": str(sid),
        "station_id": "CP-A",
        "ocpp_version": "1.6",
        "evse_id": 1,
        "connector_id": 1,
        "id_token": "TAG-1",
        "status": "Completed",
        "started_at": "2025-01-01T10:00:00+00:00",
        "stopped_at": "2025-01-01T11:00:00+00:00",
        "stop_reason": "Local",
        "meter_start_wh": 1000,
        "meter_stop_wh": Decimal("13345.678"),
        "energy_wh": Decimal("12345.678"),
        "review_required": False,
        "anomalies": [],
        "incomplete": False,
        "incomplete_since": None,
        "cost_so_far": None,  # an ended session's price is its CDR
        "review": None,  # not flagged, so no review decision
    }
    listed = json.loads((await client.get("/api/v1/sessions")).text, parse_float=Decimal)
    assert body in listed["items"]


async def test_active_session_has_integral_zero_energy(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    response = await client.get(f"/api/v1/sessions/{sessions['a2']}")
    assert '"energy_wh":0,' in response.text
    body = response.json()
    assert (body["status"], body["stopped_at"], body["meter_stop_wh"]) == ("Active", None, None)


async def test_transaction_id_is_the_stations_own_for_201(
    container: Container, client: httpx.AsyncClient
) -> None:
    await container.stations.add_station(A, "pw-a-0123456789")
    await container.sessions.record_transaction_event(
        RecordTransactionEvent(
            station_id=A,
            transaction_ref="tx-7f3a",
            seq_no=0,
            event_type=EventType.STARTED,
            trigger_reason="CablePluggedIn",
            occurred_at=DAY1,
            evse_id=2,
            connector_id=1,
            id_token="TAG-201",
            stopped_reason=None,
            ocpp_version="2.0.1",
        )
    )
    (item,) = (await client.get("/api/v1/sessions")).json()["items"]
    assert (item["transaction_id"], item["evse_id"], item["id_token"]) == ("tx-7f3a", 2, "TAG-201")
    assert item["transaction_id"] != str(item["id"])


async def test_unknown_session_is_404(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/sessions/987654", "/api/v1/sessions/987654/meter-values"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "session 987654 not found"}
        }


async def test_non_integer_session_id_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/sessions/abc")
    assert response.status_code == 422
    assert "path parameter 'session_id'" in response.json()["error"]["message"]


async def test_meter_values_in_station_time_order(
    client: httpx.AsyncClient, sessions: dict[str, int]
) -> None:
    response = await client.get(f"/api/v1/sessions/{sessions['a1']}/meter-values")
    assert response.status_code == 200
    samples = json.loads(response.text, parse_float=Decimal)
    base = {"measurand": ENERGY_REGISTER, "unit": "Wh", "phase": None, "location": None}
    assert samples == [
        {
            **base,
            "sampled_at": "2025-01-01T10:00:00+00:00",
            "value": 1000,
            "context": "Transaction.Begin",
        },
        {
            **base,
            "sampled_at": "2025-01-01T10:30:00+00:00",
            "value": Decimal("6000.5"),
            "context": "Periodic",
        },
        {
            **base,
            "sampled_at": "2025-01-01T11:00:00+00:00",
            "value": Decimal("13345.678"),
            "context": "Transaction.End",
        },
    ]
