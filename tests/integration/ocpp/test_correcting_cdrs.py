"""Data that arrives after a session's CDR never changes it: real OCPP 1.6 and 2.0.1 stations
send a meter value late (after the session ended and its CDR was issued); when that changes
the price, a credit reverses the CDR and a re-issue replaces it, each posted to the ledger
once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from laddnet.adapters.db.tables import outbox_events
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sites.model import SiteDetails
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running, registered_long_ago

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
TX = "7b0e51c2-4f0a-4d5e-9a35-0c2d8e6f4b21"
# Energy costs 1.00/kWh from 09:00 to 09:30 local time, 3.00/kWh otherwise.
TARIFF: dict[str, Any] = {
    "id": "tod",
    "name": "Time of day",
    "currency": "SEK",
    "elements": [
        {
            "price_components": [{"type": "ENERGY", "price": "1.00", "vat": "25"}],
            "restrictions": {"start_time": "09:00", "end_time": "09:30"},
        },
        {"price_components": [{"type": "ENERGY", "price": "3.00", "vat": "25"}]},
    ],
}


async def _booted(running: Running, version: str) -> SimStation:
    c = running.container
    await c.sites.create_site("depot", SiteDetails("Depot", "Europe/Stockholm"), "test")
    await c.tariffs.create_tariff(TARIFF, "test")
    await c.tariffs.assign(TargetKind.SITE, "depot", 0, TariffId("tod"), "test")
    await c.authorization.add_token("TAG-1")
    station = running.station("CP-1", version)
    await station.connect()
    await station.boot()
    await c.station_admin.update_station(StationId("CP-1"), actor="test", site_id=SiteId("depot"))
    registered_long_ago(c, "CP-1")
    return station


def _register(wh: int, at: datetime) -> dict[str, Any]:
    return {
        "timestamp": at.isoformat(),
        "sampledValue": [
            {"value": str(wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
        ],
    }


async def _corrected(running: Running, session_id: int) -> None:
    """The session was billed 10 kWh spread evenly (5 x 1.00 + 5 x 3.00 = 20.00, 25.00 incl.
    VAT); the late reading says 8 kWh by 09:30 (8 x 1.00 + 2 x 3.00 = 14.00, 17.50)."""
    c = running.container
    assert await c.cdrs.issue_pending() == 1  # the correcting pair
    assert await c.cdrs.issue_pending() == 0
    history = await c.cdrs.history(session_id)
    assert [(h.seq, h.kind, str(h.priced.total_incl_vat)) for h in history] == [
        (0, "original", "25.00"),
        (1, "credit", "-25.00"),
        (2, "reissue", "17.50"),
    ]
    original, credit, reissue = history
    assert credit.corrects_cdr_id == original.id and reissue.corrects_cdr_id == original.id
    assert credit.priced.energy_wh == Decimal(-10000)
    assert [(line.quantity, line.amount) for line in reissue.priced.lines] == [
        (Decimal(8), Decimal("8.00")),
        (Decimal(2), Decimal("6.00")),
    ]
    effective = await c.cdrs.for_session(session_id)
    assert effective.id == reissue.id
    check = await c.ledger.check()
    assert check["ok"] and (check["cdrs"], check["entries"]) == (3, 3), check
    receivable = {(a["account"], a["balance"]) for a in await c.ledger.accounts()}
    assert ("receivable:customers", Decimal("17.50")) in receivable
    assert ("vat_payable:25", Decimal("-3.50")) in receivable

    def corrected_events(uow: Any) -> list[Any]:
        rows = uow.connection.execute(
            select(outbox_events.c.data).where(outbox_events.c.type == "cdr.corrected")
        )
        return [r[0] for r in rows]

    events = await c.database.read(corrected_events)
    assert [(e["corrects_cdr_id"], e["total_incl_vat"]) for e in events] == [(original.id, "17.50")]


async def test_a_16_meter_value_after_the_stop_makes_a_credit_and_a_reissue(
    running: Running,
) -> None:
    station = await _booted(running, "1.6")
    tx = await station.start_session(1, "TAG-1", meter_start_wh=0, timestamp=T0)
    await station.stop_session(1, 10000, timestamp=T0 + timedelta(hours=1))
    assert await running.container.cdrs.issue_pending() == 1
    late = {
        "connectorId": 1,
        "transactionId": int(tx),
        "meterValue": [_register(8000, T0 + timedelta(minutes=30))],
    }
    await station.call("MeterValues", late)
    await station.call("MeterValues", late)  # re-sent: no second correction
    await _corrected(running, int(tx))
    # A value that does not change the price (the same reading again, after a restart of the
    # pricing job) makes nothing.
    await station.call("MeterValues", late)
    assert await running.container.cdrs.issue_pending() == 0
    assert len(await running.container.cdrs.history(int(tx))) == 3
    await station.close()


def _event(seq: int, kind: str, minutes: int, wh: int, **extra: Any) -> dict[str, Any]:
    ts = T0 + timedelta(minutes=minutes)
    trigger = {"Started": "Authorized", "Updated": "MeterValuePeriodic", "Ended": "EVDeparted"}
    info: dict[str, Any] = {"transactionId": TX}
    if kind == "Ended":
        info["stoppedReason"] = "EVDisconnected"
    register = _register(wh, ts)
    register["sampledValue"][0] = {
        "value": wh,
        "measurand": "Energy.Active.Import.Register",
        "unitOfMeasure": {"unit": "Wh"},
    }
    return {
        "eventType": kind,
        "timestamp": ts.isoformat(),
        "triggerReason": trigger[kind],
        "seqNo": seq,
        "transactionInfo": info,
        "meterValue": [register],
        **extra,
    }


async def test_a_201_event_queued_offline_and_sent_after_the_end_corrects_the_cdr(
    running: Running,
) -> None:
    station = await _booted(running, "2.0.1")
    started = _event(
        0, "Started", 0, 0,
        evse={"id": 1, "connectorId": 1}, idToken={"idToken": "TAG-1", "type": "ISO14443"},
    )  # fmt: skip
    await station.call("TransactionEvent", started)
    answer = await station.call("TransactionEvent", _event(2, "Ended", 60, 10000))
    assert answer["totalCost"] == 25.0
    assert await running.container.cdrs.issue_pending() == 1
    sessions, _ = await running.container.queries.sessions(station_id="CP-1")
    # The Updated event (seqNo 1) was queued while offline and arrives after the Ended one.
    late = _event(1, "Updated", 30, 8000, offline=True)
    await station.call("TransactionEvent", late)
    await station.call("TransactionEvent", late)  # re-sent: one event, one correction
    await _corrected(running, sessions[0].id)
    # The station asking again is told the cost in effect.
    again = await station.call("TransactionEvent", _event(2, "Ended", 60, 10000))
    assert again["totalCost"] == 17.5
    await station.close()
