"""The SQL unit of work: one connection, one transaction, committed explicitly."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from laddnet.adapters.db.repositories.misc import (
    SqlApiKeyRepository,
    SqlEventLog,
    SqlTokenRepository,
)
from laddnet.adapters.db.repositories.sessions import SqlSessionRepository
from laddnet.adapters.db.repositories.stations import SqlStationRepository
from laddnet.domain.errors import StorageUnavailable


class SqlUnitOfWork:
    """`async with uow:` begins; `await uow.commit()` commits; leaving without it rolls back.

    Database failures surface as `StorageUnavailable`, so callers never see driver errors.
    """

    stations: SqlStationRepository
    sessions: SqlSessionRepository
    tokens: SqlTokenRepository
    api_keys: SqlApiKeyRepository
    events: SqlEventLog

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        try:
            conn = await self._engine.connect()
            await conn.begin()
        except (DBAPIError, OSError) as exc:
            raise StorageUnavailable("database unavailable") from exc
        self._conn = conn
        self.stations = SqlStationRepository(conn)
        self.sessions = SqlSessionRepository(conn)
        self.tokens = SqlTokenRepository(conn)
        self.api_keys = SqlApiKeyRepository(conn)
        self.events = SqlEventLog(conn)
        return self

    async def commit(self) -> None:
        assert self._conn is not None
        try:
            await self._conn.commit()
        except (DBAPIError, OSError) as exc:
            raise StorageUnavailable("commit failed") from exc

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.rollback()
            await conn.close()
        except (DBAPIError, OSError):
            pass  # the connection is already broken; the pool discards it
        if isinstance(exc, DBAPIError | OSError) and not isinstance(exc, StorageUnavailable):
            raise StorageUnavailable("database error") from exc
