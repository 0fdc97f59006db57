"""Reading the audit log: search it, and verify its hash chain from the first entry on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laddnet.domain.security.audit_chain import ChainBreak, verify_chain
from laddnet.ports import Database, UnitOfWork

_BATCH = 5000


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int  # entries verified before the first break (all of them when intact)
    broken: ChainBreak | None
    head_hash: str
    last_good_id: int | None


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def search(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        return await self._db.read(
            lambda uow: uow.audit.search(
                since=since, until=until, actor=actor, action=action, limit=limit, offset=offset
            )
        )

    async def verify(self) -> ChainReport:
        """Walk the chain in id order, in batches, up to the head as read first (entries
        written meanwhile are newer than the head and checked next time)."""
        head_hash, head_count = await self._db.read(lambda uow: uow.audit.chain())
        entries: list[dict[str, Any]] = []
        after = 0
        while len(entries) < head_count:
            batch = await self._db.read(_in_order(after, min(_BATCH, head_count - len(entries))))
            if not batch:
                break
            entries.extend(batch)
            after = batch[-1]["id"]
        checked, broken = verify_chain(entries, head_hash, head_count)
        last_good = entries[checked - 1]["id"] if checked else None
        return ChainReport(checked, broken, head_hash, last_good)


def _in_order(after: int, limit: int) -> Callable[[UnitOfWork], list[dict[str, Any]]]:
    return lambda uow: uow.audit.in_order(after, limit)
