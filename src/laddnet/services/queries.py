"""Read-side queries for the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.ids import EvseId, SiteId, StationId
from laddnet.domain.sessions.model import ChargingSession, MeterSample
from laddnet.domain.sites.model import Site
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import Station
from laddnet.ports import Database


class Queries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def station(self, station_id: StationId) -> Station | None:
        return await self._db.read(lambda uow: uow.stations.get(station_id))

    async def stations(
        self, *, limit: int = 100, offset: int = 0, include_decommissioned: bool = False
    ) -> tuple[list[Station], int]:
        return await self._db.read(
            lambda uow: uow.stations.list(
                limit=limit, offset=offset, include_decommissioned=include_decommissioned
            )
        )

    async def site(self, site_id: SiteId) -> Site | None:
        return await self._db.read(lambda uow: uow.sites.get(site_id))

    async def sites(self, *, limit: int = 100, offset: int = 0) -> tuple[list[Site], int]:
        return await self._db.read(lambda uow: uow.sites.list(limit=limit, offset=offset))

    async def status_history(
        self,
        station_id: StationId,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        evse_id: EvseId | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[StatusChange], int]:
        """A station's status changes, newest station time first."""
        return await self._db.read(
            lambda uow: uow.status_history.list(
                station_id, since=since, until=until, evse_id=evse_id, limit=limit, offset=offset
            )
        )

    async def session(self, session_id: int) -> ChargingSession | None:
        return await self._db.read(lambda uow: uow.sessions.get(session_id))

    async def session_samples(self, session_id: int) -> list[MeterSample]:
        return await self._db.read(lambda uow: uow.sessions.samples(session_id))

    async def sessions(
        self,
        *,
        station_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[ChargingSession], int]:
        return await self._db.read(
            lambda uow: uow.sessions.list(
                station_id=station_id, since=since, until=until, limit=limit, offset=offset
            )
        )

    async def security_events(
        self, limit: int = 100, *, station_id: str | None = None, kind: str | None = None
    ) -> list[dict[str, Any]]:
        return await self._db.read(
            lambda uow: uow.events.security_events(limit, station_id=station_id, kind=kind)
        )
