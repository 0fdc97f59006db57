"""The demo's faulty station: DEMO-FAULTY reports a fault, gets an alert a minute later (the
demo site's rule) and a ticket, and Laddnet's automatic soft reset recovers it (the alert
closes, the ticket resolves itself); over and over. At the start it also reports its cabinet
opened (a critical security event: a `security_critical` alert, closed after an hour's quiet)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from laddnet.bootstrap import Container
from laddnet.domain.errors import Conflict
from laddnet.domain.ids import SiteId, StationId
from laddnet.sim.station import SEND_ERRORS, SimStation

log = logging.getLogger("laddnet.demo")

FAULTY = StationId("DEMO-FAULTY")
FAULTED_FOR = 100.0  # seconds: past the demo site's one-minute rule and the next check
WORKING_FOR = 40.0


async def seed_faulty(container: Container, site: SiteId, password: str, actor: str) -> None:
    """Register the faulty station on the demo site; alert faults there after one minute."""
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.station_admin.register_station(FAULTY, password, actor=actor, site_id=site)
    await container.maintenance.set_rules(site, {"connector_faulted_minutes": 1}, actor)


async def run_faulty(base_url: str, password: str) -> None:
    """Connect DEMO-FAULTY (OCPP 1.6) and let its connector fail and recover in turns."""
    station = SimStation(base_url, FAULTY, password, "1.6", evse_count=1, auto_reconnect=True)
    await station.connect()
    await station.boot()
    await station.status(1, "Available")
    with contextlib.suppress(*SEND_ERRORS):
        tamper = {
            "type": "TamperDetectionActivated",
            "timestamp": station.now().isoformat(),
            "techInfo": "demo: cabinet door opened",
        }
        await station.call("SecurityEventNotification", tamper)
        log.info("demo: %s reported its cabinet opened: a security_critical alert", FAULTY)
    while True:
        await asyncio.sleep(WORKING_FOR)
        if not await _report(station, "Faulted"):
            continue
        log.info(
            "demo: %s faulted; within ~90 s an alert opens and Laddnet resets the station"
            " (`laddnet alert list`, `laddnet ticket list`)",
            FAULTY,
        )
        await asyncio.sleep(FAULTED_FOR)
        await _report(station, "Available")  # if the reset has not recovered it yet


async def _report(station: SimStation, status: str) -> bool:
    """Report EVSE 1's status; False while the station is rebooting (it reconnects itself)."""
    try:
        await station.status(1, status)
    except SEND_ERRORS:
        return False
    return True
