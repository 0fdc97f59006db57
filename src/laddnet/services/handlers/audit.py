"""Reading the audit log: search it, and verify its hash chain from the first entry on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laddnet.domain.accounts.throttle import MEMORY
from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.security.audit_chain import ChainBreak, verify_chain
from laddnet.domain.security.model import SecurityEventKind
from laddnet.ports import Clock, Database, UnitOfWork

log = logging.getLogger(__name__)

_BATCH = 5000


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int  # entries verified before the first break (all of them when intact)
    broken: ChainBreak | None
    head_hash: str
    last_good_id: int | None


class AuditService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.last_report: ChainReport | None = None  # of the periodic check

    async def run_checks(self, interval: float) -> None:
        """Every `interval` seconds: verify the chain (a break becomes a security event and an
        error in the log) and forget failed logins older than a day."""
        while True:
            try:
                await self.check()
            except StorageUnavailable:  # logged; the next round tries again
                log.warning("the audit log could not be checked; retrying")
            await asyncio.sleep(interval)

    async def check(self) -> ChainReport:
        report = await self.verify()
        self.last_report = report
        now = self._clock.now()
        if report.broken is not None:
            where = report.broken.entry_id or f"after {report.last_good_id}"
            detail = f"audit log entry {where}: {report.broken.reason}"
            log.error("audit log hash chain broken at %s", detail)
            await self._db.write(
                lambda uow: uow.events.security(
                    SecurityEventKind.AUDIT_CHAIN_BROKEN, None, detail, None, now
                )
            )
        await self._db.write(lambda uow: uow.login_failures.prune(now - MEMORY))
        return report

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
