"""The ledger: journal entries posted once each (unique entry_key), their lines, and what is
derived from them (account balances, the revenue report's rows, the integrity check)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables.pricing import cdrs, journal_entries, journal_lines
from laddnet.domain.pricing.ledger import REVENUE, JournalEntry, JournalLine
from laddnet.domain.pricing.reports import RevenueLine
from laddnet.domain.pricing.result import round_money

_ZERO = Decimal(0)


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def post(self, entry: JournalEntry, now: datetime) -> int | None:
        """Post a balanced entry; None if an entry with its key was posted before."""
        if not entry.balanced():
            raise ValueError(f"entry {entry.key} does not balance")
        stmt = (
            insert_ignoring_duplicates(self._conn, journal_entries)
            .values(
                entry_key=entry.key,
                kind=entry.kind,
                currency=entry.currency,
                description=entry.description,
                occurred_at=entry.occurred_at,
                posted_at=now,
                cdr_id=entry.cdr_id,
                site_id=entry.site_id,
                station_id=entry.station_id,
            )
            .returning(journal_entries.c.id)
        )
        row = self._conn.execute(stmt).first()
        if row is None:
            return None
        entry_id = int(row[0])
        self._conn.execute(
            journal_lines.insert(),
            [
                {
                    "entry_id": entry_id,
                    "account": line.account,
                    "debit": line.debit,
                    "credit": line.credit,
                    "dimension": line.dimension,
                    "quantity": None if line.quantity is None else str(line.quantity),
                }
                for line in entry.lines
            ],
        )
        return entry_id

    def accounts(self) -> list[dict[str, Any]]:
        """Every account with its debits, credits and balance (debits - credits) per currency."""
        rows = self._conn.execute(
            select(
                journal_lines.c.account,
                journal_entries.c.currency,
                func.sum(journal_lines.c.debit),
                func.sum(journal_lines.c.credit),
                func.count(),
            )
            .join(journal_entries, journal_entries.c.id == journal_lines.c.entry_id)
            .group_by(journal_lines.c.account, journal_entries.c.currency)
            .order_by(journal_lines.c.account, journal_entries.c.currency)
        )
        return [
            {
                "account": account,
                "currency": currency,
                "debit": round_money(debit, currency),
                "credit": round_money(credit, currency),
                "balance": round_money(debit - credit, currency),
                "lines": int(count),
            }
            for account, currency, debit, credit, count in rows
        ]

    def entries(
        self, *, since: datetime | None, until: datetime | None, limit: int, offset: int
    ) -> tuple[list[JournalEntry], int]:
        cond = []
        if since is not None:
            cond.append(journal_entries.c.occurred_at >= since)
        if until is not None:
            cond.append(journal_entries.c.occurred_at < until)
        total = self._conn.execute(
            select(func.count()).select_from(journal_entries).where(*cond)
        ).scalar_one()
        heads = self._conn.execute(
            select(journal_entries)
            .where(*cond)
            .order_by(journal_entries.c.occurred_at, journal_entries.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
        ids = [h.id for h in heads]
        lines: dict[int, list[JournalLine]] = {i: [] for i in ids}
        if ids:
            for r in self._conn.execute(
                select(journal_lines)
                .where(journal_lines.c.entry_id.in_(ids))
                .order_by(journal_lines.c.id)
            ):
                quantity = None if r.quantity is None else Decimal(r.quantity)
                lines[r.entry_id].append(
                    JournalLine(r.account, r.debit, r.credit, r.dimension, quantity)
                )
        currency = {h.id: h.currency for h in heads}
        for entry_id, found in lines.items():
            lines[entry_id] = [
                JournalLine(
                    line.account,
                    round_money(line.debit, currency[entry_id]),
                    round_money(line.credit, currency[entry_id]),
                    line.dimension,
                    line.quantity,
                )
                for line in found
            ]
        out = [
            JournalEntry(
                key=h.entry_key,
                kind=h.kind,
                currency=h.currency,
                description=h.description,
                occurred_at=h.occurred_at,
                lines=tuple(lines[h.id]),
                cdr_id=h.cdr_id,
                site_id=h.site_id,
                station_id=h.station_id,
                id=h.id,
                posted_at=h.posted_at,
            )
            for h in heads
        ]
        return out, int(total)

    def check(self) -> dict[str, Any]:
        """Every entry balances; every CDR is posted exactly once, for its total; every credit
        CDR reverses the whole total of the CDR it corrects."""
        sums = (
            select(
                journal_lines.c.entry_id,
                func.sum(journal_lines.c.debit).label("debit"),
                func.sum(journal_lines.c.credit).label("credit"),
            )
            .group_by(journal_lines.c.entry_id)
            .subquery()
        )
        unbalanced = [
            int(r[0])
            for r in self._conn.execute(
                select(journal_entries.c.id)
                .outerjoin(sums, sums.c.entry_id == journal_entries.c.id)
                .where(func.coalesce(sums.c.debit, 0) != func.coalesce(sums.c.credit, 0))
            )
        ]
        entries = self._conn.execute(select(func.count()).select_from(journal_entries)).scalar_one()
        posted = (
            select(journal_entries.c.cdr_id, func.count().label("n"))
            .where(journal_entries.c.kind == "cdr")
            .group_by(journal_entries.c.cdr_id)
            .subquery()
        )
        unposted, twice = [], []
        for cdr_id, n in self._conn.execute(
            select(cdrs.c.id, posted.c.n).outerjoin(posted, posted.c.cdr_id == cdrs.c.id)
        ):
            if n is None:
                unposted.append(int(cdr_id))
            elif n > 1:
                twice.append(int(cdr_id))
        receivable = (  # a credit CDR's total is negative: its receivable line is a credit
            select(
                journal_entries.c.cdr_id,
                func.sum(journal_lines.c.debit - journal_lines.c.credit).label("debit"),
            )
            .join(journal_lines, journal_lines.c.entry_id == journal_entries.c.id)
            .where(journal_entries.c.kind == "cdr", journal_lines.c.account.like("receivable:%"))
            .group_by(journal_entries.c.cdr_id)
            .subquery()
        )
        wrong_total = [
            int(r[0])
            for r in self._conn.execute(
                select(cdrs.c.id)
                .join(receivable, receivable.c.cdr_id == cdrs.c.id)
                .where(receivable.c.debit != cdrs.c.total_incl_vat)
            )
        ]
        total_cdrs = self._conn.execute(select(func.count()).select_from(cdrs)).scalar_one()
        corrected = cdrs.alias("corrected")
        not_reversing = [
            int(r[0])
            for r in self._conn.execute(
                select(cdrs.c.id)
                .join(corrected, corrected.c.id == cdrs.c.corrects_cdr_id)
                .where(
                    cdrs.c.kind == "credit",
                    cdrs.c.total_incl_vat != -corrected.c.total_incl_vat,
                )
            )
        ]
        return {
            "ok": not (unbalanced or unposted or twice or wrong_total or not_reversing),
            "entries": int(entries),
            "cdrs": int(total_cdrs),
            "unbalanced_entries": unbalanced,
            "cdrs_not_posted": unposted,
            "cdrs_posted_more_than_once": twice,
            "cdrs_posted_with_another_total": wrong_total,
            "credits_not_reversing_their_cdr": not_reversing,
        }

    def revenue(self, *, since: datetime | None, until: datetime | None) -> list[RevenueLine]:
        """Every revenue line of the period, with its entry's time, place and currency."""
        cond: list[ColumnElement[bool]] = [journal_lines.c.account.like(f"{REVENUE}%")]
        if since is not None:
            cond.append(journal_entries.c.occurred_at >= since)
        if until is not None:
            cond.append(journal_entries.c.occurred_at < until)
        rows = self._conn.execute(
            select(
                journal_entries.c.occurred_at,
                journal_entries.c.site_id,
                journal_entries.c.station_id,
                journal_entries.c.currency,
                journal_lines.c.dimension,
                journal_lines.c.credit,
                journal_lines.c.debit,
                journal_lines.c.quantity,
            )
            .join(journal_entries, journal_entries.c.id == journal_lines.c.entry_id)
            .where(and_(*cond))
            .order_by(journal_entries.c.occurred_at, journal_lines.c.id)
        )
        return [
            RevenueLine(
                occurred_at=r[0],
                site_id=r[1],
                station_id=r[2],
                currency=r[3],
                dimension=r[4] or "OTHER",
                amount=round_money(r[5] - r[6], r[3]),
                kwh=_ZERO if r[7] is None else Decimal(r[7]),
            )
            for r in rows
        ]
