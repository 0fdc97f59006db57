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
from laddnet.domain.security.audit_chain import Anchor, ChainBreak, check_anchor, verify_chain
from laddnet.domain.security.model import SecurityEventKind
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.ports.audit_anchor import AuditAnchor

log = logging.getLogger(__name__)

_BATCH = 5000


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int  # entries verified before the first break (all of them when intact)
    broken: ChainBreak | None
    head_hash: str
    last_good_id: int | None


class AuditService:
    def __init__(self, db: Database, clock: Clock, anchor: AuditAnchor | None = None) -> None:
        self._db = db
        self._clock = clock
        self._anchor = anchor  # LADDNET_AUDIT_ANCHOR: the head, outside the database
        self._anchored = 0  # entries the last anchor of this process saw
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
        elif report.checked > self._anchored:
            await self.anchor(report)
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

    async def anchor(self, report: ChainReport | None = None) -> Anchor | None:
        """Write the verified head outside the database (the anchor file) and to the log; None
        when the chain is broken or empty. The periodic check does this after each check that
        found new entries; `laddnet audit anchor` does it now."""
        report = report or await self.verify()
        if report.broken is not None or report.checked == 0:
            return None
        anchor = Anchor(report.checked, report.head_hash, self._clock.now())
        if self._anchor is not None:
            await self._anchor.append(anchor)
        # The log line is an anchor too, wherever the logs are shipped.
        log.info("audit anchor: %s", anchor.to_line())
        self._anchored = anchor.count
        return anchor

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
        if broken is None and self._anchor is not None:
            try:
                anchor = await self._anchor.latest()
            except ValueError as exc:
                broken = ChainBreak(None, f"the anchor file is damaged: {exc}")
            else:
                if anchor is not None:
                    broken = check_anchor([e["hash"] for e in entries], anchor)
        return ChainReport(checked, broken, head_hash, last_good)


def _in_order(after: int, limit: int) -> Callable[[UnitOfWork], list[dict[str, Any]]]:
    return lambda uow: uow.audit.in_order(after, limit)
