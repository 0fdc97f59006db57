"""OCPP 2.0.1 transactions end to end: each seqNo stored once, in any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.domain.ids import StationId
from laddnet.domain.sessions.model import SessionStatus
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
TX = "0b0e7c1e-7d6a-4c2b-9d3e-1f2a3b4c5d6e"


def _event(seq: int, kind: str, minutes: int, wh: int | None, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "eventType": kind,
        "timestamp": (T0 + timedelta(minutes=minutes)).isoformat(),
        "triggerReason": {
            "Started": "Authorized",
            "Updated": "MeterValuePeriodic",
            "Ended": "EVCommunicationLost",
        }[kind],
        "seqNo": seq,
        "transactionInfo": {"transactionId": TX},
        **extra,
    }
    if wh is not None:
        payload["meterValue"] = [
            {
                "timestamp": payload["timestamp"],
                "sampledValue": [
                    {
                        "value": wh / 1000,
                        "measurand": "Energy.Active.Import.Register",
                        "unitOfMeasure": {"unit": "kWh"},
                    }
                ],
            }
        ]
    if kind == "Ended":
        payload["transactionInfo"]["stoppedReason"] = "EVDisconnected"
    return payload


async def _booted(running: Running) -> SimStation:
    await running.container.authorization.add_token("TAG-1")
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    return station


async def test_tc_e_full_transaction_is_stored_with_energy(running: Running) -> None:
    station = await _booted(running)
    await station.status(1, "Occupied", T0)
    tx = await station.start_session(1, "TAG-1", meter_start_wh=10_000, timestamp=T0)
    assert station.evses[1].id_tag_status == "Accepted"
    await station.meter(1, 12_000, 11_000, T0 + timedelta(minutes=10))
    await station.stop_session(1, 14_500, timestamp=T0 + timedelta(minutes=20))
    await station.close()
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    session = sessions[0]
    assert session.transaction_ref == tx
    assert session.status is SessionStatus.COMPLETED
    assert session.started_at == T0
    assert session.stopped_at == T0 + timedelta(minutes=20)
    assert session.energy_wh == Decimal(4500)
    assert session.meter_start_wh == Decimal(10_000)
    assert session.meter_stop_wh == Decimal(14_500)
    assert session.id_token == "TAG-1"
    assert (session.evse_id, session.connector_id) == (1, 1)


async def test_events_out_of_order_and_repeated_end_in_one_correct_session(
    running: Running,
) -> None:
    station = await _booted(running)
    started = _event(
        0,
        "Started",
        0,
        1000,
        idToken={"idToken": "TAG-1", "type": "ISO14443"},
        evse={"id": 2, "connectorId": 1},
    )
    updated = _event(1, "Updated", 10, 3000)
    ended = _event(2, "Ended", 20, 5000)
    for payload in (ended, updated, ended, started, updated, started):
        await station.call("TransactionEvent", payload)
    await station.close()
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    session = sessions[0]
    assert session.status is SessionStatus.COMPLETED
    assert session.started_at == T0
    assert session.stopped_at == T0 + timedelta(minutes=20)
    assert session.energy_wh == Decimal(4000)
    assert session.evse_id == 2
    assert session.stop_reason == "EVDisconnected"
    samples = await running.container.queries.session_samples(session.id)
    assert len(samples) == 3


async def test_transaction_event_answers_token_status(running: Running) -> None:
    station = await _booted(running)
    result = await station.call(
        "TransactionEvent",
        _event(0, "Started", 0, None, idToken={"idToken": "STRANGER", "type": "ISO14443"}),
    )
    assert result["idTokenInfo"]["status"] == "Invalid"
    result = await station.call("TransactionEvent", _event(1, "Updated", 1, None))
    assert "idTokenInfo" not in result
    await station.close()


async def test_offline_queued_events_keep_station_times(running: Running) -> None:
    station = await _booted(running)
    start = T0 - timedelta(hours=3)
    await station.drop()
    await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=start)
    await station.meter(1, 2000, 7000, start + timedelta(minutes=20))
    await station.stop_session(1, 4000, timestamp=start + timedelta(minutes=40))
    assert station.pending_transaction_messages == 3
    await station.reconnect()
    await station.flush()
    assert station.pending_transaction_messages == 0
    await station.close()
    sessions, _ = await running.container.queries.sessions(station_id="CP-1")
    assert sessions[0].started_at == start
    assert sessions[0].stopped_at == start + timedelta(minutes=40)
    assert sessions[0].energy_wh == Decimal(4000)


async def test_meter_values_without_transaction_are_kept(running: Running) -> None:
    station = await _booted(running)
    await station.call(
        "MeterValues",
        {
            "evseId": 0,
            "meterValue": [
                {
                    "timestamp": T0.isoformat(),
                    "sampledValue": [
                        {
                            "value": 123.4,
                            "measurand": "Energy.Active.Import.Register",
                            "unitOfMeasure": {"unit": "kWh", "multiplier": 0},
                        }
                    ],
                }
            ],
        },
    )
    await station.close()
    _sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 0


async def test_notifications_are_acknowledged(running: Running) -> None:
    station = await _booted(running)
    now = T0.isoformat()
    assert (
        await station.call(
            "SecurityEventNotification", {"type": "TamperDetectionActivated", "timestamp": now}
        )
        == {}
    )
    assert await station.call("FirmwareStatusNotification", {"status": "Installed"}) == {}
    assert await station.call("LogStatusNotification", {"status": "Idle"}) == {}
    assert (
        await station.call(
            "NotifyEvent",
            {
                "generatedAt": now,
                "seqNo": 0,
                "eventData": [
                    {
                        "eventId": 1,
                        "timestamp": now,
                        "trigger": "Delta",
                        "actualValue": "Faulted",
                        "eventNotificationType": "HardWiredNotification",
                        "component": {"name": "Connector"},
                        "variable": {"name": "AvailabilityState"},
                    }
                ],
            },
        )
        == {}
    )
    assert (
        await station.call("NotifyReport", {"requestId": 1, "generatedAt": now, "seqNo": 0}) == {}
    )
    assert (await station.call("DataTransfer", {"vendorId": "acme"}))["status"] == "UnknownVendorId"
    await station.close()
    events = await running.container.queries.security_events()
    assert events[0]["kind"] == "station_reported"
    assert events[0]["detail"].startswith("TamperDetectionActivated")


async def test_charging_state_from_transaction_events_is_the_connectors(running: Running) -> None:
    station = await _booted(running)
    await station.status(1, "Occupied", T0)
    evse = {"evse": {"id": 1, "connectorId": 1}}

    async def send(seq: int, kind: str, minutes: int, **extra: Any) -> None:
        await station.call("TransactionEvent", _event(seq, kind, minutes, None, **evse, **extra))

    async def connector() -> tuple[str, str | None]:
        state = await running.container.queries.station(StationId("CP-1"))
        assert state is not None
        only = state.connectors[0].state
        return only.status.value, only.charging_state.value if only.charging_state else None

    started = _event(0, "Started", 1, None, **evse)
    started["transactionInfo"]["chargingState"] = "EVConnected"
    await station.call("TransactionEvent", started)
    assert await connector() == ("Occupied", "EVConnected")

    changed = _event(1, "Updated", 2, None, **evse, triggerReason="ChargingStateChanged")
    changed["transactionInfo"]["chargingState"] = "Charging"
    await station.call("TransactionEvent", changed)
    assert await connector() == ("Occupied", "Charging")

    periodic = _event(2, "Updated", 3, None, **evse)
    periodic["transactionInfo"]["chargingState"] = "SuspendedEV"  # periodic: not read for it
    await station.call("TransactionEvent", periodic)
    await station.status(1, "Occupied", T0 + timedelta(minutes=4))  # keeps the charging state
    assert await connector() == ("Occupied", "Charging")

    late = _event(3, "Updated", 0, None, **evse, triggerReason="ChargingStateChanged")
    late["transactionInfo"]["chargingState"] = "Idle"  # replayed from before: changes nothing
    await station.call("TransactionEvent", late)
    assert await connector() == ("Occupied", "Charging")

    ended = _event(4, "Ended", 5, None, **evse)
    ended["transactionInfo"]["chargingState"] = "EVConnected"
    await station.call("TransactionEvent", ended)
    assert await connector() == ("Occupied", "EVConnected")
    await send(5, "Updated", 6)  # after the end: a stray event without a charging state
    assert await connector() == ("Occupied", "EVConnected")
    await station.close()


async def test_notify_event_availability_of_an_evse_and_the_station_is_their_own(
    running: Running,
) -> None:
    station = await _booted(running)
    await station.status(1, "Available", T0)

    def availability(minutes: int, *parts: tuple[dict[str, Any], str]) -> dict[str, Any]:
        at = (T0 + timedelta(minutes=minutes)).isoformat()
        events = [
            {
                "eventId": minutes * 10 + i,
                "timestamp": at,
                "trigger": "Delta",
                "actualValue": value,
                "eventNotificationType": "HardWiredNotification",
                "component": component,
                "variable": {"name": "AvailabilityState"},
            }
            for i, (component, value) in enumerate(parts)
        ]
        return {"generatedAt": at, "seqNo": 0, "eventData": events}

    evse = {"name": "EVSE", "evse": {"id": 1}}
    whole = {"name": "ChargingStation"}

    async def states() -> tuple[str | None, list[tuple[int, str]], str]:
        state = await running.container.queries.station(StationId("CP-1"))
        assert state is not None
        own = state.availability.status.value if state.availability else None
        evses = [(int(e.evse_id), e.availability.status.value) for e in state.evses]
        return own, evses, state.connectors[0].state.status.value

    assert await states() == (None, [], "Available")
    notify = availability(2, (evse, "Occupied"), (whole, "Unavailable"))
    assert await station.call("NotifyEvent", notify) == {}
    assert await states() == ("Unavailable", [(1, "Occupied")], "Available")
    late = availability(1, (evse, "Faulted"), (whole, "Available"))  # replayed late
    assert await station.call("NotifyEvent", late) == {}
    assert await states() == ("Unavailable", [(1, "Occupied")], "Available")
    newer = availability(3, (whole, "Available"))
    assert await station.call("NotifyEvent", newer) == {}
    assert await states() == ("Available", [(1, "Occupied")], "Available")
    await station.close()


async def test_notify_event_availability_state_sets_the_connector_status(running: Running) -> None:
    station = await _booted(running)
    await station.status(1, "Available", T0)

    def availability(minutes: int, value: str, connector: int = 1) -> dict[str, Any]:
        at = (T0 + timedelta(minutes=minutes)).isoformat()
        return {
            "generatedAt": at,
            "seqNo": 0,
            "eventData": [
                {
                    "eventId": minutes,
                    "timestamp": at,
                    "trigger": "Delta",
                    "actualValue": value,
                    "eventNotificationType": "HardWiredNotification",
                    "component": {"name": "Connector", "evse": {"id": 1, "connectorId": connector}},
                    "variable": {"name": "AvailabilityState"},
                }
            ],
        }

    async def status() -> str:
        state = await running.container.queries.station(StationId("CP-1"))
        assert state is not None
        return state.connectors[0].state.status.value

    assert await station.call("NotifyEvent", availability(2, "Faulted")) == {}
    assert await status() == "Faulted"
    assert await station.call("NotifyEvent", availability(1, "Available")) == {}  # replayed late
    assert await status() == "Faulted"
    await station.status(1, "Available", T0 + timedelta(minutes=3))
    assert await status() == "Available"
    await station.close()

    def kinds(uow: SqlUnitOfWork) -> list[str]:
        rows = uow.connection.execute(text("SELECT kind FROM station_events ORDER BY id"))
        return [row.kind for row in rows]

    assert await running.container.database.read(kinds) == ["NotifyEvent", "NotifyEvent"]
