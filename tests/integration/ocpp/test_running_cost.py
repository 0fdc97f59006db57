"""The running cost of a 2.0.1 transaction sent to a real 2.0.1 station in CostUpdated: only
to a station whose device model says TariffCostCtrlr.Enabled true (by default), never in the
TransactionEventResponse of an Updated event (its totalCost is the final cost, for Ended),
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.commands.model import CommandName
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.ocpp.server import Gateway
from laddnet.services.handlers.running_cost import reports_support
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import PASSWORD, Running, registered_long_ago

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
TARIFF: dict[str, Any] = {
    "id": "energy",
    "name": "Energy",
    "currency": "SEK",
    "elements": [{"price_components": [{"type": "ENERGY", "price": "2.00", "vat": "25"}]}],
}


@pytest.fixture
async def every_update(database_url: str) -> AsyncIterator[Running]:
    """A gateway whose CostUpdated may follow every Updated event (no interval)."""
    container = build(Settings(database_url=database_url, cost_updated_interval=0))
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        running = Running(container, gateway, f"ws://127.0.0.1:{gateway.port}/ocpp")
        for station in ("CP-1", "CP-2"):
            await container.stations.add_station(StationId(station), PASSWORD)
        registered_long_ago(container, "CP-1", "CP-2")
        await container.tariffs.create_tariff(TARIFF, "test")
        for station in ("CP-1", "CP-2"):
            await container.tariffs.assign(
                TargetKind.STATION, station, 0, TariffId("energy"), "test"
            )
        await container.authorization.add_token("TAG-1")
        yield running
    finally:
        await gateway.stop()
        await container.aclose()


def _event(tx: str, seq: int, kind: str, minutes: int, wh: int, **extra: Any) -> dict[str, Any]:
    ts = (T0 + timedelta(minutes=minutes)).isoformat()
    trigger = {"Started": "Authorized", "Updated": "MeterValuePeriodic", "Ended": "EVDeparted"}
    info: dict[str, Any] = {"transactionId": tx}
    if kind == "Ended":
        info["stoppedReason"] = "EVDisconnected"
    sampled = {"value": wh, "measurand": "Energy.Active.Import.Register"}
    return {
        "eventType": kind,
        "timestamp": ts,
        "triggerReason": trigger[kind],
        "seqNo": seq,
        "transactionInfo": info,
        "meterValue": [{"timestamp": ts, "sampledValue": [sampled]}],
        **extra,
    }


async def _charge(running: Running, station: SimStation, tx: str) -> list[dict[str, Any]]:
    """Start, two meter updates, end; the CostUpdated payloads the station received."""
    started = _event(
        tx, 0, "Started", 0, 0,
        evse={"id": 1, "connectorId": 1}, idToken={"idToken": "TAG-1", "type": "ISO14443"},
    )  # fmt: skip
    await station.call("TransactionEvent", started)
    answers = []
    for seq, (minutes, wh) in enumerate([(30, 5000), (60, 8000)], start=1):
        answers.append(
            await station.call("TransactionEvent", _event(tx, seq, "Updated", minutes, wh))
        )
        await running.container.running_cost.drain()
    assert all("totalCost" not in a for a in answers)  # the final cost only, at the end
    ended = await station.call("TransactionEvent", _event(tx, 3, "Ended", 70, 10000))
    assert ended["totalCost"] == 25.0  # 10 kWh x 2.00 x 1.25
    await running.container.running_cost.drain()
    return [p for action, p in station.received_calls if action == "CostUpdated"]


async def _device_model_read(running: Running, station_id: str) -> None:
    """Wait for the boot-time device model read (a NotifyReport) to be recorded."""
    async with asyncio.timeout(10):
        while True:
            items = await running.container.database.read(
                lambda uow: uow.configuration.items(station_id, component="TariffCostCtrlr")
            )
            if items:
                return
            await asyncio.sleep(0.05)


async def test_a_station_that_enabled_tariff_cost_gets_the_running_cost(
    every_update: Running,
) -> None:
    running = every_update
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    await _device_model_read(running, "CP-1")
    body = {"component": "TariffCostCtrlr", "variable": "Enabled", "value": "true"}
    result = await running.container.commands.send(
        StationId("CP-1"), CommandName.SET_CONFIGURATION, body, "test"
    )
    assert result.status == "Accepted"
    tx = "0d6c5e1a-8f3b-4b7e-9c21-5a4e3f2d1c0b"
    costs = await _charge(running, station, tx)
    # 5 kWh, then 8 kWh, at 2.00 + 25 % VAT.
    assert costs == [
        {"totalCost": 12.5, "transactionId": tx},
        {"totalCost": 20.0, "transactionId": tx},
    ]
    await station.close()


async def test_a_station_that_did_not_enable_it_gets_none(every_update: Running) -> None:
    running = every_update
    station = running.station("CP-2", "2.0.1")
    await station.connect()
    await station.boot()
    await _device_model_read(running, "CP-2")  # reported: TariffCostCtrlr.Enabled false
    assert await _charge(running, station, "9a1b2c3d-0000-4000-8000-00000000c0de") == []
    await station.close()


async def test_the_default_interval_sends_one_cost_per_minute(running: Running) -> None:
    c = running.container
    await c.tariffs.create_tariff(TARIFF, "test")
    await c.tariffs.assign(TargetKind.STATION, "CP-1", 0, TariffId("energy"), "test")
    await c.authorization.add_token("TAG-1")
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    await _device_model_read(running, "CP-1")
    body = {"component": "TariffCostCtrlr", "variable": "Enabled", "value": "true"}
    await c.commands.send(StationId("CP-1"), CommandName.SET_CONFIGURATION, body, "test")
    tx = "5e5e5e5e-1111-4222-8333-444455556666"
    assert len(await _charge(running, station, tx)) == 1  # two updates within 60 s
    await station.close()


def test_support_is_the_recorded_enabled_value() -> None:
    assert reports_support(["true"]) and reports_support(["TRUE "])
    assert (
        not reports_support(["false"]) and not reports_support([None]) and not reports_support([])
    )
