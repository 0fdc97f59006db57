"""Ledger queries: account balances, journal entries, the integrity check and the revenue
report, all derived from the posted entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.ledger import JournalEntry
from laddnet.domain.pricing.reports import Period, RevenueRow, revenue_rows
from laddnet.ports import Database


class LedgerService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def accounts(self) -> list[dict[str, Any]]:
        return await self._db.read(lambda uow: uow.ledger.accounts())

    async def entries(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[JournalEntry], int]:
        _check_window(since, until)
        return await self._db.read(
            lambda uow: uow.ledger.entries(since=since, until=until, limit=limit, offset=offset)
        )

    async def check(self) -> dict[str, Any]:
        """Every entry balances and every CDR is posted exactly once, for its total."""
        return await self._db.read(lambda uow: uow.ledger.check())

    async def revenue(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        period: Period = Period.DAY,
    ) -> list[RevenueRow]:
        _check_window(since, until)
        lines = await self._db.read(lambda uow: uow.ledger.revenue(since=since, until=until))
        return revenue_rows(lines, period)


def _check_window(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until < since:
        raise InvalidInput("the end of the period is before its start")
