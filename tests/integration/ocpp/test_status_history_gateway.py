"""Status history from real StatusNotification and NotifyEvent frames (1.6 and 2.0.1): each
change is stored once with the station's vendor info and announced in the outbox; a repeat or
a stale replay is not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from laddnet.adapters.db.tables import outbox_events
from laddnet.domain.ids import StationId
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import ChargingState, ConnectorStatus
from tests.integration.ocpp.conftest import Running

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


async def history(running: Running, station_id: str = "CP-1") -> list[StatusChange]:
    changes, _ = await running.container.queries.status_history(StationId(station_id))
    return changes


async def outbox(running: Running) -> list[dict[str, Any]]:
    """The connector.status_changed events (station and session events are written too)."""

    def read() -> list[dict[str, Any]]:
        with running.container.engine.connect() as conn:
            rows = conn.execute(
                select(outbox_events)
                .where(outbox_events.c.type == "connector.status_changed")
                .order_by(outbox_events.c.id)
            )
            return [dict(r._mapping) for r in rows]

    return await asyncio.to_thread(read)


async def test_v16_status_changes_are_stored_with_vendor_info_and_announced(
    running: Running,
) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    faulted = {
        "connectorId": 1,
        "status": "Faulted",
        "errorCode": "GroundFailure",
        "info": "RCD tripped",
        "vendorId": "com.acme",
        "vendorErrorCode": "E-117",
        "timestamp": iso(T0 + timedelta(minutes=5)),
    }
    available = {"connectorId": 1, "status": "Available", "errorCode": "NoError"}
    await station.call("StatusNotification", {**available, "timestamp": iso(T0)})
    await station.call("StatusNotification", faulted)
    # The same status again, later: no change. Then an offline replay older than what we know.
    await station.call(
        "StatusNotification", {**faulted, "timestamp": iso(T0 + timedelta(minutes=6))}
    )
    await station.call(
        "StatusNotification", {**available, "timestamp": iso(T0 + timedelta(minutes=1))}
    )
    await station.close()

    newest, first = await history(running)
    assert (first.status, first.charging_state, first.error_code) == (
        ConnectorStatus.AVAILABLE,
        ChargingState.IDLE,
        None,
    )
    assert (newest.evse_id, newest.connector_id) == (1, 1)
    assert (newest.status, newest.error_code) == (ConnectorStatus.FAULTED, "GroundFailure")
    assert (newest.vendor_id, newest.vendor_error_code, newest.info) == (
        "com.acme",
        "E-117",
        "RCD tripped",
    )
    assert newest.reported_at == T0 + timedelta(minutes=5)
    assert newest.received_at > newest.reported_at  # our clock, not the station's

    events = [e for e in await outbox(running) if e["type"] == "connector.status_changed"]
    assert [e["data"]["status"] for e in events] == ["Available", "Faulted"]
    assert events[1]["station_id"] == "CP-1"
    assert events[1]["data"] == {
        "evse_id": 1,
        "connector_id": 1,
        "status": "Faulted",
        "charging_state": None,
        "error_code": "GroundFailure",
        "vendor_error_code": "E-117",
        "info": "RCD tripped",
        "reported_at": "2025-03-01T08:05:00+00:00",
    }


async def test_v16_connector_0_is_the_whole_station(running: Running) -> None:
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    await station.station_status("Unavailable", T0)
    await station.close()

    [change] = await history(running)
    assert (change.evse_id, change.connector_id, change.status) == (
        0,
        0,
        ConnectorStatus.UNAVAILABLE,
    )
    [event] = await outbox(running)
    assert (event["data"]["evse_id"], event["data"]["connector_id"]) == (0, 0)


async def test_v201_status_and_availability_changes_are_stored(running: Running) -> None:
    station = running.station("CP-2", "2.0.1")
    await station.connect()
    await station.boot()
    await station.status(1, "Available", T0)
    await station.status(1, "Available", T0 + timedelta(minutes=1))  # no change
    await station.status(2, "Faulted", T0 + timedelta(minutes=2))
    await station.status(1, "Occupied", T0 - timedelta(hours=1))  # stale replay
    event = {
        "eventId": 7,
        "timestamp": iso(T0 + timedelta(minutes=3)),
        "trigger": "Delta",
        "actualValue": "Unavailable",
        "techCode": "PWR-3",
        "techInfo": "grid voltage low",
        "eventNotificationType": "HardWiredNotification",
        "component": {"name": "EVSE", "evse": {"id": 2}},
        "variable": {"name": "AvailabilityState"},
    }
    payload = {"generatedAt": iso(T0), "seqNo": 0, "eventData": [event]}
    await station.call("NotifyEvent", payload)
    await station.close()

    changes = await history(running, "CP-2")
    assert [(c.evse_id, c.connector_id, c.status) for c in changes] == [
        (2, 0, ConnectorStatus.UNAVAILABLE),
        (2, 1, ConnectorStatus.FAULTED),
        (1, 1, ConnectorStatus.AVAILABLE),
    ]
    assert (changes[0].vendor_error_code, changes[0].info) == ("PWR-3", "grid voltage low")
    assert changes[1].vendor_id is None
    assert len(await outbox(running)) == 3
