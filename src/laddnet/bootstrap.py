"""The composition root: builds every service once from the settings and wires the ports."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from laddnet.adapters.crypto.passwords import Argon2Hasher
from laddnet.adapters.db.engine import create_engine, migrate
from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.config import Settings
from laddnet.ports import Clock, SystemClock, UnitOfWork
from laddnet.services.bundle import Services
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.stations import StationService
from laddnet.services.queries import Queries


@dataclass
class Container(Services):
    """The services plus what only the composition root may touch (the engine)."""

    engine: AsyncEngine = field(kw_only=True)

    async def aclose(self) -> None:
        await self.engine.dispose()


def build(settings: Settings, clock: Clock | None = None) -> Container:
    engine = create_engine(settings.async_database_url)
    clock = clock or SystemClock()
    hasher = Argon2Hasher()

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(engine)

    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        stations=StationService(uow, clock, hasher),
        sessions=SessionService(uow, clock, settings.max_station_power_w),
        authorization=AuthorizationService(uow, clock),
        api_keys=ApiKeyService(uow, clock, hasher),
        queries=Queries(uow),
    )


async def build_migrated(settings: Settings, clock: Clock | None = None) -> Container:
    container = build(settings, clock)
    await migrate(container.engine)
    return container
