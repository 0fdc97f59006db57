"""Read-side queries for the API and the CLI."""

from __future__ import annotations

from datetime import datetime

from laddnet.domain.ids import StationId
from laddnet.domain.sessions.model import ChargingSession, MeterSample
from laddnet.domain.stations.model import Station
from laddnet.ports import UnitOfWorkFactory


class Queries:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def station(self, station_id: StationId) -> Station | None:
        async with self._uow() as uow:
            return await uow.stations.get(station_id)

    async def stations(self, *, limit: int = 100, offset: int = 0) -> tuple[list[Station], int]:
        async with self._uow() as uow:
            return await uow.stations.list(limit=limit, offset=offset)

    async def session(self, session_id: int) -> ChargingSession | None:
        async with self._uow() as uow:
            return await uow.sessions.get(session_id)

    async def session_samples(self, session_id: int) -> list[MeterSample]:
        async with self._uow() as uow:
            return await uow.sessions.samples(session_id)

    async def sessions(
        self,
        *,
        station_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[ChargingSession], int]:
        async with self._uow() as uow:
            return await uow.sessions.list(
                station_id=station_id, since=since, until=until, limit=limit, offset=offset
            )
