"""`laddnet demo`: the embedded server with demo stations, tokens and simulated charging."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from laddnet.adapters.db.engine import migrate
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.errors import Conflict
from laddnet.domain.ids import StationId
from laddnet.ocpp.server import Gateway
from laddnet.runtime import serve
from laddnet.sim.runner import simulate

log = logging.getLogger("laddnet.demo")

# Demo-only credentials, for a local playground; real stations get their own via the CLI.
DEMO_PASSWORD = "demo-station-password"  # noqa: S105
DEMO_TAGS = ("DEMO-TAG-1", "DEMO-TAG-2")


async def seed(container: Container, stations: int) -> str:
    """Add demo stations and tokens (skipping those already there) and a fresh API key."""
    for n in range(1, stations + 1):
        with contextlib.suppress(Conflict):  # seeded by an earlier demo run
            await container.stations.add_station(StationId(f"DEMO-{n:03d}"), DEMO_PASSWORD)
    for tag in DEMO_TAGS:
        await container.authorization.add_token(tag, owner="Demo driver")
    return await container.api_keys.create("admin", "demo")


async def run_demo(settings: Settings, stations: int) -> None:
    container = build(settings)
    try:
        await migrate(container.engine)
        api_key = await seed(container, stations)
    finally:
        await container.aclose()
    ids = [f"DEMO-{n:03d}" for n in range(1, stations + 1)]
    base = f"ws://{settings.host}:{settings.ocpp_port}/ocpp"

    async def charge(_container: Container, _gateway: Gateway) -> None:
        api = f"http://{settings.host}:{settings.http_port}"
        print(  # noqa: T201 - the demo's whole point is to tell the newcomer where to look
            f"\nLaddnet demo is running.\n"
            f"  API docs:   {api}/docs\n"
            f"  Stations:   curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/stations\n"
            f"  Sessions:   curl -H 'Authorization: Bearer {api_key}' {api}/api/v1/sessions\n"
            f"  Events:     curl -N -H 'Authorization: Bearer {api_key}' {api}/api/v1/events\n"
            f"  OCPP:       {base}/DEMO-001 (password {DEMO_PASSWORD})\n"
            f"  Stop with Ctrl-C.\n",
            flush=True,
        )
        half = len(ids) // 2 or 1
        async with asyncio.TaskGroup() as group:
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
