"""The composition root: builds every service once from the settings and wires the ports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import Engine

from laddnet.adapters.bus.nats import NatsBus
from laddnet.adapters.crypto.passwords import Argon2Hasher
from laddnet.adapters.db.engine import create_engine, migrate
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.config import Settings
from laddnet.ocpp.link import GatewayLink
from laddnet.ocpp.routed_link import RoutedLink
from laddnet.ports import Clock, SystemClock
from laddnet.services.bundle import Services
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.stations import StationService
from laddnet.services.queries import Queries


@dataclass
class Container(Services):
    """The services plus what only the composition root may touch (the database)."""

    database: SqlDatabase = field(kw_only=True)
    bus: NatsBus | None = field(default=None, kw_only=True)  # LADDNET_BUS_URL; None: one process

    @property
    def engine(self) -> Engine:
        return self.database.engine

    async def aclose(self) -> None:
        if self.bus is not None:
            await self.bus.close()
        await asyncio.to_thread(self.database.close)


def build(settings: Settings, clock: Clock | None = None) -> Container:
    database = SqlDatabase(create_engine(settings.driver_database_url))
    clock = clock or SystemClock()
    hasher = Argon2Hasher(
        time_cost=settings.station_hash_time_cost, memory_cost=settings.station_hash_memory_kib
    )
    bus = NatsBus(settings.bus_url, name=settings.node_id) if settings.bus_url else None
    link = (
        RoutedLink(bus, database, node_id=settings.node_id, call_timeout=settings.call_timeout)
        if bus is not None
        else GatewayLink()
    )
    return Container(
        settings=settings,
        database=database,
        clock=clock,
        stations=StationService(database, clock, hasher, node_id=settings.node_id),
        sessions=SessionService(database, clock, settings.max_station_power_w),
        authorization=AuthorizationService(database, clock),
        api_keys=ApiKeyService(database, clock, hasher),
        queries=Queries(database),
        commands=CommandService(database, clock, link, call_timeout=settings.call_timeout),
        link=link,
        bus=bus,
    )


async def build_migrated(settings: Settings, clock: Clock | None = None) -> Container:
    container = build(settings, clock)
    await migrate(container.engine)
    return container
