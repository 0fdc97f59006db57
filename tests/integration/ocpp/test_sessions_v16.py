"""OCPP 1.6 charging sessions end to end: stored exactly once, whatever the station does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from laddnet.domain.ids import StationId
from laddnet.domain.sessions.model import SessionStatus
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _booted(running: Running, station_id: str = "CP-1") -> SimStation:
    await running.container.authorization.add_token("TAG-1")
    station = running.station(station_id, "1.6")
    await station.connect()
    await station.boot()
    return station


async def test_tc_e_full_session_is_stored_with_energy_and_station_times(running: Running) -> None:
    station = await _booted(running)
    assert (await station.authorize("TAG-1"))["idTagInfo"]["status"] == "Accepted"
    await station.status(1, "Preparing", T0)
    tx = await station.start_session(1, "TAG-1", meter_start_wh=1000, timestamp=T0)
    await station.status(1, "Charging", T0 + timedelta(seconds=1))
    await station.meter(1, 2000, 11000, T0 + timedelta(minutes=10))
    await station.stop_session(1, 3500, timestamp=T0 + timedelta(minutes=20))
    await station.close()

    session = await running.container.queries.session(int(tx))
    assert session is not None
    assert session.status is SessionStatus.COMPLETED
    assert session.started_at == T0
    assert session.stopped_at == T0 + timedelta(minutes=20)
    assert session.energy_wh == Decimal(2500)
    assert (session.evse_id, session.connector_id) == (1, 1)
    assert not session.review_required
    state = await running.container.queries.station(StationId("CP-1"))
    assert state is not None
    assert [c.state.status.value for c in state.connectors] == ["Occupied"]
    assert state.connectors[0].state.charging_state is not None


async def test_unknown_id_tag_is_invalid_but_the_session_is_recorded(running: Running) -> None:
    station = await _booted(running)
    assert (await station.authorize("NOPE"))["idTagInfo"]["status"] == "Invalid"
    tx = await station.start_session(1, "NOPE", timestamp=T0)
    assert station.evses[1].id_tag_status == "Invalid"
    await station.close()
    session = await running.container.queries.session(int(tx))
    assert session is not None and session.id_token == "NOPE"


async def test_start_resent_after_a_lost_answer_gets_the_same_transaction_id(
    running: Running,
) -> None:
    station = await _booted(running)
    payload = {
        "connectorId": 2,
        "idTag": "TAG-1",
        "meterStart": 500,
        "timestamp": "2026-11-02T08:00:00Z",
    }
    first = await station.call("StartTransaction", payload)
    second = await station.call("StartTransaction", payload)
    assert first["transactionId"] == second["transactionId"]
    _sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    await station.close()


async def test_transaction_ids_are_distinct_int32(running: Running) -> None:
    station = await _booted(running)
    ids = set()
    for n in range(5):
        result = await station.call(
            "StartTransaction",
            {
                "connectorId": 1,
                "idTag": "TAG-1",
                "meterStart": n,
                "timestamp": f"2026-11-02T08:0{n}:00Z",
            },
        )
        ids.add(result["transactionId"])
    assert len(ids) == 5
    assert all(0 < i < 2**31 for i in ids)
    await station.close()


async def test_repeated_stop_and_meter_values_are_stored_once(running: Running) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))
    meter = {
        "connectorId": 1,
        "transactionId": tx,
        "meterValue": [
            {
                "timestamp": "2026-11-02T08:05:00Z",
                "sampledValue": [
                    {"value": "1.5", "unit": "kWh", "measurand": "Energy.Active.Import.Register"}
                ],
            }
        ],
    }
    await station.call("MeterValues", meter)
    await station.call("MeterValues", meter)
    stop = {
        "transactionId": tx,
        "meterStop": 2000,
        "timestamp": "2026-11-02T08:10:00Z",
        "idTag": "TAG-1",
        "reason": "EVDisconnected",
    }
    await station.call("StopTransaction", stop)
    await station.call("StopTransaction", stop)
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.energy_wh == Decimal(2000)
    assert session.stop_reason == "EVDisconnected"
    registers = [
        s
        for s in await running.container.queries.session_samples(tx)
        if s.measurand == "Energy.Active.Import.Register"
    ]
    assert [s.value for s in registers] == [Decimal(0), Decimal(1500), Decimal(2000)]


async def test_stop_with_minus_one_closes_the_open_session(running: Running) -> None:
    station = await _booted(running)
    await station.call(
        "StartTransaction",
        {
            "connectorId": 1,
            "idTag": "TAG-1",
            "meterStart": 100,
            "timestamp": "2026-11-02T08:00:00Z",
        },
    )
    await station.call(
        "StopTransaction",
        {
            "transactionId": -1,
            "idTag": "TAG-1",
            "meterStop": 900,
            "timestamp": "2026-11-02T09:00:00Z",
        },
    )
    await station.close()
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    assert sessions[0].status is SessionStatus.COMPLETED
    assert sessions[0].energy_wh == Decimal(800)


async def test_stop_for_a_start_we_never_saw_is_kept_and_flagged(running: Running) -> None:
    station = await _booted(running)
    result = await station.call(
        "StopTransaction",
        {"transactionId": -1, "meterStop": 900, "timestamp": "2026-11-02T09:00:00Z"},
    )
    assert result == {}
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    assert sessions[0].review_required
    assert "unknown_start" in sessions[0].anomalies
    assert sessions[0].energy_wh == 0
    await station.close()


async def test_register_reset_is_flagged_and_not_billed(running: Running) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=50_000, timestamp=T0))
    await station.meter(1, 51_000, 7000, T0 + timedelta(minutes=10))
    await station.meter(1, 20, 7000, T0 + timedelta(minutes=20))  # the meter was replaced
    await station.stop_session(1, 52_000, timestamp=T0 + timedelta(minutes=30))
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.review_required
    assert "register_decreased" in session.anomalies
    assert session.energy_wh == Decimal(2000)


async def test_a_flagged_session_keeps_its_flag_and_bills_later_readings(
    running: Running,
) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))
    await station.meter(1, 1000, 7000, T0 + timedelta(minutes=10))
    await station.meter(1, 10, 7000, T0 + timedelta(minutes=20))  # a glitch: flagged, skipped
    await station.meter(1, 2000, 7000, T0 + timedelta(minutes=30))
    await station.meter(1, 3000, 7000, T0 + timedelta(minutes=40))
    await station.stop_session(1, 3500, timestamp=T0 + timedelta(minutes=50))
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.review_required
    assert session.anomalies == ("register_decreased",)
    assert session.energy_wh == Decimal(3500)


async def test_a_late_reading_older_than_the_last_one_is_walked_in_station_time(
    running: Running,
) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))

    def register(minute: int, wh: int) -> dict[str, object]:
        at = (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
        value = [{"timestamp": at, "sampledValue": [{"value": str(wh)}]}]
        return {"connectorId": 1, "transactionId": tx, "meterValue": value}

    await station.call("MeterValues", register(20, 2000))
    await station.call("MeterValues", register(20, 2000))  # re-sent: changes nothing
    # Arrives late, but in station time it sits between the start and 2000 Wh: it is above the
    # reading after it, so the walk flags the one after it.
    await station.call("MeterValues", register(10, 2500))
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.anomalies == ("register_decreased",)
    assert session.energy_wh == Decimal(2500)
    samples = await running.container.queries.session_samples(tx)
    assert [s.value for s in samples] == [Decimal(0), Decimal(2500), Decimal(2000)]


async def test_stop_repeating_earlier_readings_in_transaction_data_bills_them_once(
    running: Running,
) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))
    for minute, wh in ((10, 1000), (20, 2000)):
        await station.meter(1, wh, 7000, T0 + timedelta(minutes=minute))
    sent = [
        {
            "timestamp": (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"),
            "sampledValue": [{"value": str(wh), "measurand": "Energy.Active.Import.Register"}],
        }
        for minute, wh in ((10, 1000), (20, 2000))
    ]
    await station.call(
        "StopTransaction",
        {
            "transactionId": tx,
            "meterStop": 2600,
            "timestamp": (T0 + timedelta(minutes=30)).isoformat().replace("+00:00", "Z"),
            "transactionData": sent,
        },
    )
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.energy_wh == Decimal(2600)
    assert not session.review_required


async def test_each_sampled_value_is_stored_once_whatever_message_repeats_it(
    running: Running,
) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))
    at = (T0 + timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    register = {"value": "1000", "measurand": "Energy.Active.Import.Register"}
    power = {"value": "7000", "measurand": "Power.Active.Import", "unit": "W"}
    current = {"value": "16", "measurand": "Current.Import", "unit": "A", "phase": "L1"}
    await station.call(
        "MeterValues",
        {"connectorId": 1, "transactionId": tx,
         "meterValue": [{"timestamp": at, "sampledValue": [register, power]}]},
    )  # fmt: skip
    # The same instant again: the register repeated with another value (the first one stays),
    # and a measurand not seen yet (it joins), as a stop's transactionData may carry them.
    await station.call(
        "StopTransaction",
        {"transactionId": tx, "meterStop": 1500,
         "timestamp": (T0 + timedelta(minutes=20)).isoformat().replace("+00:00", "Z"),
         "transactionData": [
             {"timestamp": at, "sampledValue": [{**register, "value": "1100"}, current]}
         ]},
    )  # fmt: skip
    await station.close()
    samples = await running.container.queries.session_samples(tx)
    at_ten = [(s.measurand, s.value) for s in samples if s.sampled_at == T0 + timedelta(minutes=10)]
    assert at_ten == [
        ("Energy.Active.Import.Register", Decimal(1000)),
        ("Power.Active.Import", Decimal(7000)),
        ("Current.Import", Decimal(16)),
    ]
    session = await running.container.queries.session(tx)
    assert session is not None
    assert session.energy_wh == Decimal(1500)
    assert not session.review_required


async def test_implausible_jump_is_flagged(running: Running) -> None:
    station = await _booted(running)
    tx = int(await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0))
    # 5 MWh in one minute is far beyond any station's power.
    await station.meter(1, 5_000_000, 7000, T0 + timedelta(minutes=1))
    await station.stop_session(1, 5_000_500, timestamp=T0 + timedelta(minutes=2))
    await station.close()
    session = await running.container.queries.session(tx)
    assert session is not None
    assert "implausible_jump" in session.anomalies
    assert session.energy_wh == 0


async def test_offline_queue_with_old_timestamps_keeps_station_times(running: Running) -> None:
    station = await _booted(running)
    start = T0 - timedelta(hours=5)
    await station.drop()
    await station.start_session(2, "TAG-1", meter_start_wh=0, timestamp=start)
    await station.meter(2, 3000, 7000, start + timedelta(minutes=30))
    await station.stop_session(2, 6000, timestamp=start + timedelta(hours=1))
    assert station.pending_transaction_messages == 3
    await station.reconnect()
    await station.flush()
    assert station.pending_transaction_messages == 0
    await station.close()
    sessions, total = await running.container.queries.sessions(station_id="CP-1")
    assert total == 1
    assert sessions[0].started_at == start
    assert sessions[0].stopped_at == start + timedelta(hours=1)
    assert sessions[0].energy_wh == Decimal(6000)


async def test_connector_0_status_is_the_whole_charge_points_availability(
    running: Running,
) -> None:
    station = await _booted(running)
    await station.status(1, "Available", T0)
    await station.status(0, "Unavailable", T0 + timedelta(minutes=2))
    await station.status(0, "Available", T0 + timedelta(minutes=1))  # replayed late: no change

    state = await running.container.queries.station(StationId("CP-1"))

    assert state is not None
    assert state.availability is not None
    assert state.availability.status.value == "Unavailable"
    assert state.availability.reported_at == T0 + timedelta(minutes=2)
    assert state.evses == ()
    # The charge point is no connector: only connector 1 is listed, as it reported itself.
    assert [(c.evse_id, c.connector_id, c.state.status.value) for c in state.connectors] == [
        (1, 1, "Available")
    ]
    await station.close()
