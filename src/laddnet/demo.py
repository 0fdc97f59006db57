"""`laddnet demo`: the embedded server with demo stations, tokens and simulated charging."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from laddnet import demo_tls
from laddnet.adapters.db.engine import migrate
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.demo_accounts import (
    DEMO_DRIVER,
    login_and_enrol,
    seed_admin,
    seed_driver,
    seed_driver_login,
)
from laddnet.demo_faults import run_faulty, seed_faulty
from laddnet.domain.errors import Conflict
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.records import CustomerGroup, TargetKind, TariffId
from laddnet.domain.sites.model import SiteDetails
from laddnet.ocpp.server import Gateway
from laddnet.runtime import serve
from laddnet.sim.runner import simulate

log = logging.getLogger("laddnet.demo")

# Demo-only credentials, for a local playground; real stations get their own via the CLI.
DEMO_PASSWORD = "demo-station-password"  # noqa: S105
DEMO_TAGS = ("DEMO-TAG-1", "DEMO-TAG-2")
DEMO_ACTOR = "demo"


DEMO_SITE = SiteId("demo")
DEMO_SITE_DETAILS = SiteDetails(
    name="Demo site",
    time_zone="Europe/Stockholm",
    address="Drottninggatan 1",
    postal_code="111 51",
    city="Stockholm",
    country="SE",
    latitude="59.329323",
    longitude="18.068581",
)


# Day and night energy prices, and an idle fee after 15 minutes parked (capped): SEK, 25 % VAT.
DEMO_TARIFF = {
    "id": "demo",
    "name": "Demo tariff",
    "currency": "SEK",
    "elements": [
        {
            "price_components": [{"type": "ENERGY", "price": "3.20", "vat": "25"}],
            "restrictions": {"start_time": "06:00", "end_time": "22:00"},
        },
        {"price_components": [{"type": "ENERGY", "price": "2.10", "vat": "25"}]},
        {"price_components": [{"type": "PARKING_TIME", "price": "60", "vat": "25"}]},
    ],
    "tariff_alt_text": [
        {"language": "sv", "text": "3,20 kr/kWh dag, 2,10 kr/kWh natt; 1 kr/min efter 15 min"},
        {"language": "en", "text": "SEK 3.20/kWh day, 2.10/kWh night; 1/min parked after 15 min"},
    ],
    "parking_grace_seconds": 900,
    "parking_cap": "200",
}


# What fleets pay at the demo site (DEMO-TAG-2 is a fleet's token): a customer-group tariff.
DEMO_FLEET_TARIFF = {
    "id": "demo-fleet",
    "name": "Demo fleet tariff",
    "currency": "SEK",
    "elements": [{"price_components": [{"type": "ENERGY", "price": "2.40", "vat": "25"}]}],
}
DEMO_FLEET_TAG = "DEMO-TAG-2"


async def seed(container: Container, stations: int) -> str:
    """Add the demo site, demo stations on it and tokens (skipping those already there) and a
    fresh API key."""
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.sites.create_site(DEMO_SITE, DEMO_SITE_DETAILS, DEMO_ACTOR)
    for n in range(1, stations + 1):
        station_id = StationId(f"DEMO-{n:03d}")
        with contextlib.suppress(Conflict):  # seeded by an earlier demo run
            await container.station_admin.register_station(
                station_id, DEMO_PASSWORD, actor=DEMO_ACTOR, site_id=DEMO_SITE
            )
        station = await container.queries.station(station_id)
        if station is not None and station.site_id is None:  # seeded before sites existed
            await container.station_admin.update_station(
                station_id, actor=DEMO_ACTOR, site_id=DEMO_SITE
            )
    for tag in DEMO_TAGS:
        group = "fleet" if tag == DEMO_FLEET_TAG else None
        await container.authorization.add_token(tag, owner="Demo driver", customer_group=group)
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.tariffs.create_tariff(dict(DEMO_TARIFF), DEMO_ACTOR)
    await container.tariffs.assign(
        TargetKind.SITE, DEMO_SITE, 0, TariffId(str(DEMO_TARIFF["id"])), DEMO_ACTOR
    )
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.tariffs.create_tariff(dict(DEMO_FLEET_TARIFF), DEMO_ACTOR)
    fleet = TariffId(str(DEMO_FLEET_TARIFF["id"]))
    await container.tariffs.assign(
        TargetKind.SITE, DEMO_SITE, 0, fleet, DEMO_ACTOR, CustomerGroup.FLEET
    )
    await seed_faulty(container, DEMO_SITE, DEMO_PASSWORD, DEMO_ACTOR)
    await container.station_guard.mark_vulnerable(  # the simulator's firmware, for the report
        "Laddnet", "Sim-1", "1.0.0", "demo: pretend CVE, fixed in 2.0.0", DEMO_ACTOR
    )
    return await container.api_keys.create("admin", "demo")


async def run_demo(settings: Settings, stations: int) -> None:
    settings = settings.model_copy(update={"alert_interval": 10.0})  # alerts show up quickly
    settings, tls = demo_tls.prepare(settings)  # a station CA, TLS listeners, one mTLS station
    container = build(settings)
    try:
        await migrate(container.engine)
        api_key = await seed(container, stations)
        admin_password = await seed_admin(container, DEMO_ACTOR)
        driver_id = await seed_driver(container, DEMO_ACTOR)
        driver_password = await seed_driver_login(container, driver_id, DEMO_ACTOR)
        tls_password = await demo_tls.seed(container, tls, DEMO_SITE, DEMO_ACTOR)
        settings = await demo_tls.with_revocation_list(container, settings, tls)
    finally:
        await container.aclose()
    ids = [f"DEMO-{n:03d}" for n in range(1, stations + 1)]
    base = f"ws://{settings.host}:{settings.ocpp_port}/ocpp"

    async def charge(_container: Container, _gateway: Gateway) -> None:
        api = f"http://{settings.host}:{settings.http_port}"
        login = await login_and_enrol(api, admin_password)
        print(  # noqa: T201 - the demo's whole point is to tell the newcomer where to look
            f"\nLaddnet demo is running.\n"
            f"  API docs:   {api}/docs\n"
            f"  Stations:   curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/stations\n"
            f"  Sites:      curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/sites\n"
            f"  Sessions:   curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/sessions\n"
            f"  CDRs:       curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/cdrs\n"
            f"              (each ended session, priced with the demo tariff; and\n"
            f"              {api}/api/v1/reports/revenue, laddnet ledger check)\n"
            f"              ({DEMO_FLEET_TAG} is a fleet's token: its sessions get the\n"
            f"              demo-fleet tariff; laddnet session cdrs ID shows corrections)\n"
            f"  Review:     a session flagged review_required gets no CDR until decided:\n"
            f"              laddnet session review ID --approve [--energy-wh N] | --void\n"
            f"  Events:     curl -N -H 'Authorization: Bearer {api_key}' {api}/api/v1/events\n"
            f"  Security:   curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/security-events"
            f"  (or: laddnet security events)\n"
            f"  Firmware:   {api}/api/v1/firmware/vulnerable (the demo marks the simulator's"
            f" 1.0.0 vulnerable; laddnet firmware inventory | vulnerable)\n"
            f"  Driver:     curl -H 'Authorization: Bearer {api_key}'"
            f" {api}/api/v1/drivers/{driver_id}\n"
            f"              (personal data encrypted at rest: search the database file for it)\n"
            f"              its RFID card: {api}/api/v1/drivers/{driver_id}/tokens (hashed and\n"
            f"              encrypted in the database; stations presenting it are accepted)\n"
            f"              the driver's own login: POST {api}/api/v1/driver-auth/login with\n"
            f"              {DEMO_DRIVER.email} / {driver_password}, then GET /api/v1/driver/me\n"
            f"  Commands:   LADDNET_API_KEY={api_key} laddnet station reset DEMO-001 --type soft\n"
            f"  Alerts:     DEMO-FAULTY faults every few minutes: laddnet alert list, or\n"
            f"              curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/alerts\n"
            f"  Uptime:     laddnet report uptime --from <today> --to <tomorrow> --site demo\n"
            f"  Tickets:    laddnet ticket list (each alert opens one, a fault once its resets\n"
            f"              failed; drivers report problems at\n"
            f"              POST {api}/api/v1/stations/DEMO-001/problem-reports, no key)\n"
            f"  Maintenance: LADDNET_API_KEY={api_key} laddnet station maintenance DEMO-001 --on\n"
            f"              (also unlock-connector, remote-start, get-log, ...: see --help)\n"
            f"  Passwords:  LADDNET_API_KEY={api_key} laddnet station rotate-password DEMO-002\n"
            f"              (a new password over OCPP; laddnet station rotations shows progress)\n"
            f"  OCPP:       {base}/DEMO-001 (password {DEMO_PASSWORD})\n"
            f"{login}"
            f"{demo_tls.banner(settings, tls)}"
            f"  Stop with Ctrl-C.\n",
            flush=True,
        )
        half = len(ids) // 2 or 1
        async with asyncio.TaskGroup() as group:
            group.create_task(run_faulty(base, DEMO_PASSWORD))
            group.create_task(demo_tls.charge_over_tls(settings, tls, tls_password, DEMO_TAGS))
            for version, group_ids in (("1.6", ids[:half]), ("2.0.1", ids[half:])):
                if group_ids:
                    group.create_task(
                        simulate(
                            base,
                            group_ids,
                            DEMO_PASSWORD,
                            version,
                            meter_interval=5,
                            id_tags=DEMO_TAGS,
                        )
                    )

    await serve(settings, on_ready=charge)
