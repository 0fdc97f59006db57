"""The composition root: builds every service once from the settings and wires the ports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from laddnet.adapters.crypto.passwords import Argon2Hasher
from laddnet.adapters.db.engine import create_engine, migrate
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.config import Settings
from laddnet.ocpp.link import GatewayLink
from laddnet.ports import Clock, SystemClock
from laddnet.services.bundle import Services
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.commands import CommandService, default_hooks
from laddnet.services.handlers.configuration import ConfigurationService
from laddnet.services.handlers.firmware import FirmwareService
from laddnet.services.handlers.logs import LogService
from laddnet.services.handlers.operations import Operations, add_operation_hooks
from laddnet.services.handlers.reservations import ReservationService
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.stations import StationService
from laddnet.services.queries import Queries


@dataclass
class Container(Services):
    """The services plus what only the composition root may touch (the database)."""

    database: SqlDatabase = field(kw_only=True)

    @property
    def engine(self) -> Engine:
        return self.database.engine

    async def aclose(self) -> None:
        await self.operations.aclose()
        await asyncio.to_thread(self.database.close)


def build(settings: Settings, clock: Clock | None = None) -> Container:
    database = SqlDatabase(create_engine(settings.driver_database_url))
    clock = clock or SystemClock()
    hasher = Argon2Hasher(
        time_cost=settings.station_hash_time_cost, memory_cost=settings.station_hash_memory_kib
    )
    link = GatewayLink()
    logs = LogService(
        database,
        clock,
        public_url=settings.public_base_url,
        ttl=timedelta(hours=settings.log_upload_ttl_hours),
        max_bytes=settings.log_upload_max_bytes,
    )
    hooks = add_operation_hooks(default_hooks(), logs)
    commands = CommandService(
        database, clock, link, call_timeout=settings.call_timeout, hooks=hooks
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
        commands=commands,
        link=link,
        operations=Operations(
            configuration=ConfigurationService(database, clock, commands),
            firmware=FirmwareService(database, clock),
            logs=logs,
            reservations=ReservationService(database, clock),
        ),
    )


async def build_migrated(settings: Settings, clock: Clock | None = None) -> Container:
    container = build(settings, clock)
    await migrate(container.engine)
    return container
