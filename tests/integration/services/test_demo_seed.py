"""The demo's seed: a demo site with the demo stations on it, the same after a second run."""

from __future__ import annotations

from laddnet.bootstrap import Container
from laddnet.demo import DEMO_SITE, seed
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.records import CustomerGroup


async def test_seeding_twice_leaves_one_demo_site_holding_the_demo_stations(
    container: Container,
) -> None:
    await seed(container, 2)
    await seed(container, 3)

    sites, total = await container.queries.sites()
    assert total == 1
    [site] = sites
    assert site.id == DEMO_SITE
    assert (site.details.name, site.details.time_zone, site.details.country) == (
        "Demo site",
        "Europe/Stockholm",
        "SE",
    )
    assert (site.details.latitude, site.details.longitude) == ("59.329323", "18.068581")
    assert site.station_ids == ("DEMO-001", "DEMO-002", "DEMO-003", "DEMO-FAULTY")
    rules = await container.maintenance.rules()
    assert rules.for_site(DEMO_SITE).connector_faulted_minutes == 1  # the faulty one's alert


async def test_the_demo_site_has_a_tariff_so_its_sessions_get_cdrs(container: Container) -> None:
    await seed(container, 1)
    await seed(container, 1)
    applied = await container.tariffs.applying(StationId("DEMO-001"), 1)
    assert applied is not None
    assert (applied.tariff_id, applied.version, applied.source) == ("demo", 1, "site")
    fleet = await container.tariffs.applying(StationId("DEMO-001"), 1, CustomerGroup.FLEET)
    assert fleet is not None and fleet.tariff_id == "demo-fleet"


async def test_the_demo_marks_the_simulators_firmware_vulnerable_once(
    container: Container,
) -> None:
    await seed(container, 1)
    await seed(container, 1)
    marks = await container.station_guard.vulnerable_versions()
    assert [(m.vendor, m.model, m.version) for m in marks] == [("Laddnet", "Sim-1", "1.0.0")]
