"""Charge detail records from real OCPP 1.6 and 2.0.1 stations completing sessions, on SQLite
and PostgreSQL: priced with the version that applied at the start, issued and posted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from laddnet.adapters.db.tables import outbox_events
from laddnet.adapters.db.tables.pricing import cdrs, journal_entries
from laddnet.bootstrap import build
from laddnet.domain.errors import UnknownSession
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sites.model import SiteDetails
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
TX = "4c1d3f9a-0c55-4a8e-9a57-2b7f4e1d0a11"
TARIFF: dict[str, Any] = {
    "id": "depot",
    "name": "Depot",
    "currency": "SEK",
    "elements": [
        {
            "price_components": [
                {"type": "FLAT", "price": "5", "vat": "25"},
                {"type": "ENERGY", "price": "2.00", "vat": "25"},
                {"type": "PARKING_TIME", "price": "60", "vat": "25"},
            ]
        }
    ],
}


async def _on_site_with_tariff(running: Running, tariff: dict[str, Any] = TARIFF) -> None:
    c = running.container
    await c.sites.create_site("depot", SiteDetails("Depot", "Europe/Stockholm"), "test")
    for station in ("CP-1", "CP-2"):
        await c.station_admin.update_station(
            StationId(station), actor="test", site_id=SiteId("depot")
        )
    await c.tariffs.create_tariff(tariff, "test")
    await c.tariffs.assign(TargetKind.SITE, "depot", 0, TariffId(tariff["id"]), "test")
    await c.authorization.add_token("TAG-1")


async def _count(running: Running, table: Any) -> int:
    def count(uow: Any) -> int:
        return int(uow.connection.execute(select(func.count()).select_from(table)).scalar_one())

    return await running.container.database.read(count)


async def _booted(running: Running, version: str) -> SimStation:
    station = running.station("CP-1", version)
    await station.connect()
    await station.boot()
    return station


async def test_a_16_session_gets_one_cdr_with_parking_from_suspended_ev(running: Running) -> None:
    await _on_site_with_tariff(running)
    station = await _booted(running, "1.6")
    tx = await station.start_session(1, "TAG-1", meter_start_wh=1000, timestamp=T0)
    await station.status(1, "Charging", T0 + timedelta(seconds=1))
    await station.meter(1, 6000, 11000, T0 + timedelta(minutes=20))
    await station.status(1, "SuspendedEV", T0 + timedelta(minutes=30))
    await station.stop_session(1, 11000, timestamp=T0 + timedelta(minutes=45))
    # A stop re-sent after a lost answer must not make a second CDR.
    payload = {"transactionId": int(tx), "meterStop": 11000, "timestamp": "2026-11-02T08:45:00Z"}
    await station.call("StopTransaction", payload)
    await station.close()

    assert await running.container.cdrs.issue_pending() == 1
    assert await running.container.cdrs.issue_pending() == 0
    cdr = await running.container.cdrs.for_session(int(tx))
    assert (cdr.tariff_id, cdr.tariff_version, cdr.time_zone) == ("depot", 1, "Europe/Stockholm")
    assert (cdr.priced.energy_wh, cdr.priced.parking_seconds) == (Decimal(10000), Decimal(900))
    assert [(line.dimension, str(line.amount)) for line in cdr.priced.lines] == [
        ("FLAT", "5.00"),
        ("ENERGY", "20.00"),
        ("PARKING_TIME", "15.00"),
    ]
    totals = (cdr.priced.total_excl_vat, cdr.priced.total_vat, cdr.priced.total_incl_vat)
    assert totals == (Decimal("40.00"), Decimal("10.00"), Decimal("50.00"))
    assert (cdr.id_token, cdr.site_id) == ("TAG-1", "depot")
    assert await _count(running, cdrs) == 1
    assert await _count(running, journal_entries) == 1
    check = await running.container.database.read(lambda uow: uow.ledger.check())
    assert check["ok"], check


def _event(seq: int, kind: str, minutes: int, wh: int, state: str, **extra: Any) -> dict[str, Any]:
    ts = (T0 + timedelta(minutes=minutes)).isoformat()
    trigger = {"Started": "Authorized", "Updated": "ChargingStateChanged", "Ended": "EVDeparted"}
    info: dict[str, Any] = {"transactionId": TX, "chargingState": state}
    if kind == "Ended":
        info["stoppedReason"] = "EVDisconnected"
    sampled = {
        "value": wh,
        "measurand": "Energy.Active.Import.Register",
        "unitOfMeasure": {"unit": "Wh"},
    }
    return {
        "eventType": kind,
        "timestamp": ts,
        "triggerReason": trigger[kind],
        "seqNo": seq,
        "transactionInfo": info,
        "meterValue": [{"timestamp": ts, "sampledValue": [sampled]}],
        **extra,
    }


async def test_a_201_session_gets_one_cdr_with_parking_from_charging_state(
    running: Running,
) -> None:
    await _on_site_with_tariff(running)
    station = await _booted(running, "2.0.1")
    started = _event(
        0, "Started", 0, 0, "Charging",
        evse={"id": 1, "connectorId": 1}, idToken={"idToken": "TAG-1", "type": "ISO14443"},
    )  # fmt: skip
    await station.call("TransactionEvent", started)
    # The tariff changes during the session: the session keeps version 1.
    await running.container.tariffs.update_tariff(
        TariffId("depot"),
        {**TARIFF, "elements": [{"price_components": [{"type": "ENERGY", "price": "99"}]}]},
        "test",
    )
    await station.call("TransactionEvent", _event(1, "Updated", 30, 11000, "SuspendedEV"))
    ended = _event(2, "Ended", 60, 11000, "EVConnected")
    answer = await station.call("TransactionEvent", ended)
    # The station is told the final cost incl. VAT: 5 + 11 kWh x 2.00 + 30 min x 60/h, x 1.25.
    assert answer["totalCost"] == 71.25
    again = await station.call("TransactionEvent", ended)  # re-sent: the same cost
    assert again["totalCost"] == 71.25
    await station.close()

    assert await running.container.cdrs.issue_pending() == 1
    sessions, _ = await running.container.queries.sessions(station_id="CP-1")
    cdr = await running.container.cdrs.for_session(sessions[0].id)
    assert cdr.tariff_version == 1
    assert (cdr.priced.charging_seconds, cdr.priced.parking_seconds) == (Decimal(1800),) * 2
    # 5 + 11 kWh x 2.00 + 30 min x 60/h = 57.00, VAT 14.25.
    assert (str(cdr.priced.total_excl_vat), str(cdr.priced.total_incl_vat)) == ("57.00", "71.25")
    assert await _count(running, journal_entries) == 1


async def test_a_station_without_tariff_gets_no_free_session_but_an_event(
    running: Running,
) -> None:
    await running.container.authorization.add_token("TAG-1")
    station = await _booted(running, "1.6")
    tx = await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0)
    await station.stop_session(1, 5000, timestamp=T0 + timedelta(minutes=30))
    await station.close()

    assert await running.container.cdrs.issue_pending() == 0
    assert await _count(running, cdrs) == 0
    with pytest.raises(UnknownSession, match="no tariff applied"):
        await running.container.cdrs.for_session(int(tx))

    def unpriced(uow: Any) -> list[Any]:
        rows = uow.connection.execute(
            select(outbox_events.c.data).where(outbox_events.c.type == "session.unpriced")
        )
        return [r[0] for r in rows]

    events = await running.container.database.read(unpriced)
    assert events == [{"session_id": int(tx), "reason": "no_tariff"}]


async def test_a_cdr_is_issued_after_a_restart_between_stop_and_pricing(
    running: Running,
) -> None:
    await _on_site_with_tariff(running)
    station = await _booted(running, "1.6")
    tx = await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0)
    await station.stop_session(1, 2000, timestamp=T0 + timedelta(minutes=10))
    await station.close()
    # The process stops before its issuer runs: a new one finds the session queued.
    other = build(running.container.settings)
    try:
        assert await other.cdrs.issue_pending() == 1
    finally:
        await other.aclose()
    assert await running.container.cdrs.issue_pending() == 0
    cdr = await running.container.cdrs.for_session(int(tx))
    assert str(cdr.priced.total_incl_vat) == "11.25"  # (5 + 2 kWh x 2.00) x 1.25
