"""Tariffs for customer groups: a session started with a fleet token is priced with the fleet
tariff assigned where it charges, any other with the group-less one; real OCPP 1.6 and 2.0.1
stations, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import CustomerGroup, TargetKind, TariffId
from laddnet.domain.sites.model import SiteDetails
from tests.integration.ocpp.conftest import Running

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _tariff(tariff_id: str, price: str) -> dict[str, Any]:
    return {
        "id": tariff_id,
        "name": tariff_id,
        "currency": "SEK",
        "elements": [{"price_components": [{"type": "ENERGY", "price": price, "vat": "25"}]}],
    }


async def _setup(running: Running) -> None:
    c = running.container
    await c.sites.create_site("depot", SiteDetails("Depot", "Europe/Stockholm"), "test")
    for station in ("CP-1", "CP-2"):
        await c.station_admin.update_station(
            StationId(station), actor="test", site_id=SiteId("depot")
        )
    for tariff_id, price in (("public", "4.00"), ("fleet", "2.00"), ("cp2", "3.00")):
        await c.tariffs.create_tariff(_tariff(tariff_id, price), "test")
    fleet = CustomerGroup.FLEET
    await c.tariffs.assign(TargetKind.SITE, "depot", 0, TariffId("public"), "test")
    await c.tariffs.assign(TargetKind.SITE, "depot", 0, TariffId("fleet"), "test", fleet)
    # CP-2 has its own tariff: the place comes first, so fleets pay it there too.
    await c.tariffs.assign(TargetKind.STATION, "CP-2", 0, TariffId("cp2"), "test")
    await c.authorization.add_token("FLEET-1", customer_group="fleet")
    await c.authorization.add_token("TAG-1")  # no group: ad_hoc


async def test_a_fleet_token_gets_the_fleet_tariff_at_a_16_station(running: Running) -> None:
    await _setup(running)
    c = running.container
    assert (await c.tariffs.applying(StationId("CP-1"), None, CustomerGroup.FLEET)) is not None
    station = running.station("CP-1", "1.6")
    await station.connect()
    await station.boot()
    totals = {}
    for tag, start in (("FLEET-1", T0), ("TAG-1", T0 + timedelta(hours=2))):
        tx = await station.start_session(1, tag, meter_start_wh=0, timestamp=start)
        await station.stop_session(1, 10000, timestamp=start + timedelta(hours=1))
        totals[tag] = int(tx)
    await station.close()
    assert await c.cdrs.issue_pending() == 2
    fleet = await c.cdrs.for_session(totals["FLEET-1"])
    public = await c.cdrs.for_session(totals["TAG-1"])
    assert (fleet.tariff_id, str(fleet.priced.total_incl_vat)) == ("fleet", "25.00")
    assert (public.tariff_id, str(public.priced.total_incl_vat)) == ("public", "50.00")


async def test_a_fleet_token_gets_the_fleet_tariff_at_a_201_station(running: Running) -> None:
    await _setup(running)
    c = running.container
    station = running.station("CP-1", "2.0.1")
    await station.connect()
    await station.boot()
    tx = "3f2e1d0c-aaaa-4bbb-8ccc-ddddeeeeffff"
    ts = T0.isoformat()
    sampled = {"value": 0, "measurand": "Energy.Active.Import.Register"}
    started = {
        "eventType": "Started", "timestamp": ts, "triggerReason": "Authorized", "seqNo": 0,
        "transactionInfo": {"transactionId": tx}, "evse": {"id": 1, "connectorId": 1},
        "idToken": {"idToken": "FLEET-1", "type": "ISO14443"},
        "meterValue": [{"timestamp": ts, "sampledValue": [sampled]}],
    }  # fmt: skip
    await station.call("TransactionEvent", started)
    sessions, _ = await c.queries.sessions(station_id="CP-1")
    live = await c.cdrs.cost_so_far(sessions[0].id)
    assert live is not None and live[0] == "fleet"
    await station.close()
    # At CP-2 its own (group-less) tariff applies to fleets too; ad hoc at CP-1: the site's.
    at_cp2 = await c.tariffs.applying(StationId("CP-2"), None, CustomerGroup.FLEET)
    assert at_cp2 is not None and at_cp2.tariff_id == "cp2"
    ad_hoc = await c.tariffs.applying(StationId("CP-1"), None, CustomerGroup.AD_HOC)
    assert ad_hoc is not None and ad_hoc.tariff_id == "public"
