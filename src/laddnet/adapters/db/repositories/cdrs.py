"""Charge detail records, the queue of sessions waiting for one, and sessions that could not
be priced. A CDR is inserted once and never updated: a session's original once (unique
session_id and seq 0), each correction once (unique corrected CDR and kind)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.repositories.reviews import SessionReviewRows
from laddnet.adapters.db.tables import sites, stations, status_history
from laddnet.adapters.db.tables.pricing import (
    cdr_queue,
    cdrs,
    pricing_issues,
    signed_meter_values,
)
from laddnet.domain.pricing.cdr import Cdr, CdrKind, whole_seconds
from laddnet.domain.pricing.result import (
    PricedLine,
    PricedSession,
    VatLine,
    round_money,
)
from laddnet.domain.sessions.signed import SignedReading
from laddnet.domain.stations.model import ChargingState

# What every ended session runs (queue, first look for a CDR, no-CDR note) is hot SQL.
_CDR_COLUMNS = tuple(c.name for c in cdrs.columns)
_IN_EFFECT = "WHERE session_id = ? AND kind != ? ORDER BY seq DESC LIMIT 1"


class SqlCdrRepository(SessionReviewRows):
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def enqueue(self, session_id: int, now: datetime) -> None:
        values = {"session_id": session_id, "queued_at": now}
        self._hot.insert(cdr_queue, values, ignore_duplicates=True)

    def queued(self, limit: int) -> list[int]:
        rows = self._conn.execute(
            select(cdr_queue.c.session_id).order_by(cdr_queue.c.queued_at).limit(limit)
        )
        return [int(r[0]) for r in rows]

    def dequeue(self, session_id: int) -> None:
        self._hot.delete(cdr_queue, {"session_id": session_id})

    def add(self, cdr: Cdr) -> int | None:
        """Insert the CDR; None if it was made before (the session's CDR with its seq, or a
        correction of the same CDR of the same kind). CDRs are never replaced."""
        p = cdr.priced
        stmt = (
            insert_ignoring_duplicates(self._conn, cdrs)
            .values(
                session_id=cdr.session_id,
                station_id=cdr.station_id,
                site_id=cdr.site_id,
                evse_id=cdr.evse_id,
                id_token=cdr.id_token,
                started_at=cdr.started_at,
                stopped_at=cdr.stopped_at,
                time_zone=cdr.time_zone,
                energy_wh=p.energy_wh,
                charging_seconds=whole_seconds(p.charging_seconds),
                parking_seconds=whole_seconds(p.parking_seconds),
                tariff_id=cdr.tariff_id,
                tariff_version=cdr.tariff_version,
                currency=p.currency,
                lines=[line.to_json() for line in p.lines],
                vat_lines=[v.to_json() for v in p.vat_lines],
                total_excl_vat=p.total_excl_vat,
                total_vat=p.total_vat,
                total_incl_vat=p.total_incl_vat,
                signed_meter_values=[s.to_json() for s in cdr.signed_meter_values],
                issued_at=cdr.issued_at,
                seq=cdr.seq,
                kind=cdr.kind,
                corrects_cdr_id=cdr.corrects_cdr_id,
            )
            .returning(cdrs.c.id)
        )
        row = self._conn.execute(stmt).first()
        return None if row is None else int(row[0])

    def pseudonymize_tokens(self, values: Sequence[str], pseudonym: str) -> int:
        """Replace the id token of the CDRs issued for one of `values` (an erased driver's) by
        `pseudonym`; everything else, the amounts too, stays as issued (bookkeeping law)."""
        if not values:
            return 0
        query = update(cdrs).where(cdrs.c.id_token.in_(values))
        return self._conn.execute(query.values(id_token=pseudonym)).rowcount

    def has_cdr(self, session_id: int) -> bool:
        found = self._conn.execute(select(cdrs.c.id).where(cdrs.c.session_id == session_id))
        return found.first() is not None

    def place(self, station_id: str) -> tuple[str | None, str | None]:
        """The station's site and that site's time zone (None, None: on no site)."""
        row = self._conn.execute(
            select(stations.c.site_id, sites.c.time_zone)
            .select_from(stations.outerjoin(sites, sites.c.id == stations.c.site_id))
            .where(stations.c.id == station_id)
        ).first()
        return (None, None) if row is None else (row[0], row[1])

    def charging_states(
        self, station_id: str, evse_id: int | None, since: datetime, until: datetime
    ) -> builtins.list[tuple[datetime, ChargingState]]:
        """The charging states reported at the station (EVSE) in [since, until)."""
        h = status_history
        cond = [
            h.c.station_id == station_id,
            h.c.reported_at >= since,
            h.c.reported_at < until,
            h.c.charging_state.is_not(None),
        ]
        if evse_id:
            cond.append(h.c.evse_id == evse_id)
        rows = self._conn.execute(
            select(h.c.reported_at, h.c.charging_state).where(*cond).order_by(h.c.reported_at)
        )
        return [(r[0], ChargingState(r[1])) for r in rows]

    def for_session(self, session_id: int) -> Cdr | None:
        """The session's CDR in effect: its latest that is not a credit."""
        found = self._hot.select(cdrs, _CDR_COLUMNS, _IN_EFFECT, (session_id, CdrKind.CREDIT))
        return _cdr(found[0]) if found else None

    def history(self, session_id: int) -> builtins.list[Cdr]:
        """Every CDR of the session in order: the original, then credit and re-issue pairs."""
        rows = self._conn.execute(
            select(cdrs).where(cdrs.c.session_id == session_id).order_by(cdrs.c.seq)
        )
        return [_cdr(r._mapping) for r in rows]

    def get(self, cdr_id: int) -> Cdr | None:
        row = self._conn.execute(select(cdrs).where(cdrs.c.id == cdr_id)).first()
        return None if row is None else _cdr(row._mapping)

    def list(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        station_id: str | None,
        site_id: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Cdr], int]:
        """By stop time, oldest first; since inclusive, until exclusive."""
        cond = []
        if since is not None:
            cond.append(cdrs.c.stopped_at >= since)
        if until is not None:
            cond.append(cdrs.c.stopped_at < until)
        if station_id is not None:
            cond.append(cdrs.c.station_id == station_id)
        if site_id is not None:
            cond.append(cdrs.c.site_id == site_id)
        total = self._conn.execute(select(func.count()).select_from(cdrs).where(*cond)).scalar_one()
        rows = self._conn.execute(
            select(cdrs)
            .where(*cond)
            .order_by(cdrs.c.stopped_at, cdrs.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_cdr(r._mapping) for r in rows], int(total)

    def note_issue(self, session_id: int, station_id: str, reason: str, now: datetime) -> bool:
        """Record why a session got no CDR; False if it was noted before."""
        values = {
            "session_id": session_id,
            "station_id": station_id,
            "reason": reason,
            "noted_at": now,
        }
        # RETURNING, not rowcount: some drivers give -1 for INSERT ... ON CONFLICT DO NOTHING.
        noted = self._hot.insert(pricing_issues, values, "session_id", ignore_duplicates=True)
        return noted is not None

    def issue_for(self, session_id: int) -> str | None:
        row = self._conn.execute(
            select(pricing_issues.c.reason).where(pricing_issues.c.session_id == session_id)
        ).first()
        return None if row is None else str(row[0])

    def add_signed(
        self, session_id: int, station_id: str, readings: Sequence[SignedReading], now: datetime
    ) -> None:
        """Keep signed meter values as sent; one re-sent is stored once."""
        for r in readings:
            self._conn.execute(
                insert_ignoring_duplicates(self._conn, signed_meter_values).values(
                    session_id=session_id,
                    station_id=station_id,
                    sampled_at=r.sampled_at,
                    measurand=r.measurand[:50],
                    context=r.context[:32],
                    data=r.data,
                    signing_method=r.signing_method,
                    encoding_method=r.encoding_method,
                    public_key=r.public_key,
                    received_at=now,
                )
            )

    def signed_meter_values(self, session_id: int) -> builtins.list[SignedReading]:
        t = signed_meter_values
        rows = self._conn.execute(
            select(t.c.sampled_at, t.c.measurand, t.c.context, t.c.data, t.c.signing_method,
                   t.c.encoding_method, t.c.public_key)
            .where(t.c.session_id == session_id)
            .order_by(t.c.sampled_at, t.c.id)
        )  # fmt: skip
        return [SignedReading(*r) for r in rows]


def _line(item: dict[str, Any]) -> PricedLine:
    rate = item["vat_rate"]
    return PricedLine(
        dimension=item["dimension"],
        element=item["element"],
        quantity=Decimal(item["quantity"]),
        unit=item["unit"],
        unit_price=Decimal(item["unit_price"]),
        amount=Decimal(item["amount_excl_vat"]),
        vat_rate=None if rate is None else Decimal(rate),
    )


def _vat(item: dict[str, Any]) -> VatLine:
    rate = item["rate"]
    return VatLine(
        None if rate is None else Decimal(rate), Decimal(item["base"]), Decimal(item["vat"])
    )


def _signed(item: dict[str, Any]) -> SignedReading:
    return SignedReading(
        datetime.fromisoformat(item["sampled_at"]),
        item["measurand"],
        item["context"] or "",
        item["signed_meter_data"],
        item["signing_method"],
        item["encoding_method"],
        item["public_key"],
    )


def _cdr(m: Any) -> Cdr:
    currency = m["currency"]
    priced = PricedSession(
        currency=currency,
        lines=tuple(_line(item) for item in m["lines"]),
        vat_lines=tuple(_vat(item) for item in m["vat_lines"]),
        total_excl_vat=round_money(m["total_excl_vat"], currency),
        total_vat=round_money(m["total_vat"], currency),
        total_incl_vat=round_money(m["total_incl_vat"], currency),
        energy_wh=m["energy_wh"],
        charging_seconds=Decimal(m["charging_seconds"]),
        parking_seconds=Decimal(m["parking_seconds"]),
    )
    return Cdr(
        id=int(m["id"]),
        session_id=int(m["session_id"]),
        station_id=m["station_id"],
        site_id=m["site_id"],
        evse_id=m["evse_id"],
        id_token=m["id_token"],
        started_at=m["started_at"],
        stopped_at=m["stopped_at"],
        time_zone=m["time_zone"],
        tariff_id=m["tariff_id"],
        tariff_version=int(m["tariff_version"]),
        priced=priced,
        signed_meter_values=tuple(_signed(item) for item in m["signed_meter_values"]),
        issued_at=m["issued_at"],
        seq=int(m["seq"]),
        kind=m["kind"],
        corrects_cdr_id=None if m["corrects_cdr_id"] is None else int(m["corrects_cdr_id"]),
    )
