"""Charging sessions, their 2.0.1 transaction events and their meter samples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, update

from laddnet.adapters.db import meter_codec
from laddnet.adapters.db.hot_sql import HotSql, insert_sql, update_sql
from laddnet.adapters.db.session_cache import SessionCache
from laddnet.adapters.db.tables import meter_values, sessions, stations, transaction_events
from laddnet.adapters.db.types import milliwatt_hours, time_param
from laddnet.domain.authorization.model import fold_token
from laddnet.domain.sessions.model import (
    ChargingSession,
    MeterSample,
    RegisterReading,
    SessionStatus,
)

_SEQUENCE = "SELECT count(*), max(seq_no) FROM transaction_events WHERE session_id = ?"
_HIGHEST = "WHERE session_id = ? ORDER BY seq_no DESC LIMIT ?"
_READING_COLUMNS = ("sampled_at", "register_wh")
_READINGS = "WHERE session_id = ? AND register_wh IS NOT NULL ORDER BY sampled_at"
_OPEN_ELSEWHERE = "WHERE transaction_ref = ? AND station_id != ? AND status = ? LIMIT 1"


class SqlSessionRepository:
    """Sessions on one connection; the batch writer passes its `SessionCache`, reads do not."""

    def __init__(self, conn: Connection, cache: SessionCache | None = None) -> None:
        self._conn = conn
        self._hot = HotSql(conn)
        self._cache = cache

    def get(self, session_id: int) -> ChargingSession | None:
        if self._cache is not None and (hit := self._cache.get(session_id)) is not None:
            return hit
        return self._remember(self._hot.one(sessions, {"id": session_id}))

    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None:
        if self._cache is not None:
            hit = self._cache.by_ref(station_id, transaction_ref)
            if hit is not None:
                return hit
        where = {"station_id": station_id, "transaction_ref": transaction_ref}
        return self._remember(self._hot.one(sessions, where))

    def by_start_key(self, start_key: str) -> ChargingSession | None:
        return self._remember(self._hot.one(sessions, {"start_key": start_key}))

    def update_energy(
        self,
        session_id: int,
        energy_wh: Decimal,
        last: RegisterReading | None,
        anomalies: Sequence[str],
    ) -> None:
        # Runs for nearly every meter value: values converted here as the column types would.
        stamp = time_param(self._conn.dialect.name)
        params = (
            milliwatt_hours(energy_wh),
            stamp(last.at if last else None),
            milliwatt_hours(last.wh if last else None),
            bool(anomalies),
            ",".join(anomalies),
            session_id,
        )
        self._hot.execute(update_sql("sessions", _ENERGY_COLUMNS, ("id",), self._hot.qmark), params)
        if self._cache is not None:
            self._cache.set_energy(session_id, energy_wh, last, tuple(anomalies))

    def open_session_for_stop(
        self, station_id: str, id_token: str | None, stopped_at: datetime
    ) -> ChargingSession | None:
        """The latest active session a stop without a usable transaction id must belong to."""
        cond = (
            (sessions.c.station_id == station_id)
            & (sessions.c.status == SessionStatus.ACTIVE.value)
            & (sessions.c.started_at <= stopped_at)
        )
        if id_token:  # the same card in another case is the same token (fold_token)
            cond = cond & (func.lower(sessions.c.id_token) == fold_token(id_token))
        row = (
            self._conn.execute(
                select(sessions).where(cond).order_by(sessions.c.started_at.desc()).limit(1)
            )
        ).first()
        return _session(row._mapping) if row else None

    def create(self, **values: Any) -> int:
        return int(self._hot.insert(sessions, values, returning="id"))

    def update(self, session_id: int, **values: Any) -> None:
        self._hot.update(sessions, values, {"id": session_id})
        if self._cache is not None:
            self._cache.forget(session_id)  # read again, with every column as stored

    def add_transaction_event(
        self,
        session_id: int,
        seq_no: int,
        event_type: str,
        trigger_reason: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> bool:
        """Record a 2.0.1 event; False if this seqNo was already stored (a re-send)."""
        values = {
            "session_id": session_id,
            "seq_no": seq_no,
            "event_type": event_type,
            "trigger_reason": trigger_reason,
            "occurred_at": occurred_at,
            "received_at": now,
        }
        # RETURNING, not rowcount: some drivers give -1 for INSERT ... ON CONFLICT DO NOTHING.
        stored = self._hot.insert(
            transaction_events, values, returning="seq_no", ignore_duplicates=True
        )
        return stored is not None

    def add_samples(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        samples: Sequence[MeterSample],
        now: datetime,
    ) -> int:
        """Store sampled values; the number of them that were not stored before."""
        if not samples:
            return 0
        # The busiest statement of all: values converted here as the column types would.
        stamp = time_param(self._conn.dialect.name)
        received = stamp(now)
        insert = insert_sql("meter_values", _METER_VALUE_COLUMNS, "id", True, self._hot.qmark)
        stored = 0
        for value in meter_codec.encode(samples):
            at = stamp(value.sampled_at)
            register = milliwatt_hours(value.register_wh)
            row = (station_id, evse_id, session_id, at, register, value.text, received)
            if self._hot.execute(insert, row, fetch=True)[1] is not None:
                stored += len(value.items)
            else:  # this timestamp has a row already: add what it lacks
                stored += self._merge_meter_value(station_id, evse_id, session_id, value)
        return stored

    def _merge_meter_value(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        value: meter_codec.EncodedMeterValue,
    ) -> int:
        key = {"station_id": station_id, "evse_id": evse_id, "sampled_at": value.sampled_at}
        row = self._hot.one(meter_values, key)
        assert row is not None  # the insert just met it
        merged = meter_codec.merge(row["samples"], value)
        changes: dict[str, Any] = {}
        added = 0
        if merged is not None:
            combined, added = merged
            changes = {"samples": combined.text, "register_wh": combined.register_wh}
        if row["session_id"] is None and session_id is not None:
            changes["session_id"] = session_id  # its session became known after it
            added += 1  # its readings are the session's now: count them as news
        if changes:
            self._hot.update(meter_values, changes, {"id": row["id"]})
        return added

    def register_readings(self, session_id: int) -> list[RegisterReading]:
        """The session's main-register readings in station time (every session's start)."""
        rows = self._hot.select(meter_values, _READING_COLUMNS, _READINGS, (session_id,))
        return [RegisterReading(at=r["sampled_at"], wh=r["register_wh"]) for r in rows]

    def samples(self, session_id: int) -> list[MeterSample]:
        rows = self._conn.execute(
            select(meter_values.c.sampled_at, meter_values.c.samples)
            .where(meter_values.c.session_id == session_id)
            .order_by(meter_values.c.sampled_at, meter_values.c.id)
        )
        return [sample for r in rows for sample in meter_codec.decode(r.sampled_at, r.samples)]

    def active_on_evse(self, station_id: str, evse_id: int) -> list[ChargingSession]:
        """The active sessions on one connector (1.6) or EVSE (2.0.1) of a station."""
        where = {"station_id": station_id, "evse_id": evse_id, "status": SessionStatus.ACTIVE.value}
        return [_session(row) for row in self._hot.all(sessions, where)]  # every session start

    def open_elsewhere(self, transaction_ref: str, station_id: str) -> str | None:
        """Another station whose active session has this transaction id, if any (every 2.0.1
        session's start)."""
        params = (transaction_ref, station_id, SessionStatus.ACTIVE.value)
        rows = self._hot.select(sessions, ("station_id",), _OPEN_ELSEWHERE, params)
        return str(rows[0]["station_id"]) if rows else None

    def sequence(self, session_id: int) -> tuple[int, int | None]:
        """How many distinct 2.0.1 seqNos a session has, and the highest."""
        sql = _SEQUENCE if self._hot.qmark else _SEQUENCE.replace("?", "%s")
        count, highest = self._hot.fetch_all(sql, (session_id,))[0]
        return int(count), None if highest is None else int(highest)

    def highest_seq_nos(self, session_id: int, limit: int) -> list[int]:
        """A session's `limit` highest 2.0.1 seqNos, highest first (a walk of the end of its
        primary key, however many events it has)."""
        rows = self._hot.select(transaction_events, ("seq_no",), _HIGHEST, (session_id, limit))
        return [int(row["seq_no"]) for row in rows]

    def anonymize_tokens(self, values: Sequence[str], placeholder: str) -> int:
        """Replace the id token of every session started with one of `values` (an erased
        driver's) by `placeholder`, and drop their start keys (which contain it)."""
        if not values:
            return 0
        changed = self._conn.execute(
            update(sessions)
            .where(func.lower(sessions.c.id_token).in_([fold_token(v) for v in values]))
            .values(id_token=placeholder, start_key=None)
        ).rowcount
        if self._cache is not None:
            self._cache.clear()  # cached sessions may hold the old token
        return changed

    def incomplete_before(self, cutoff: datetime) -> list[ChargingSession]:
        """Sessions waiting for missing transaction events since before `cutoff`."""
        rows = self._conn.execute(
            select(sessions)
            .where(sessions.c.incomplete_since.is_not(None), sessions.c.incomplete_since < cutoff)
            .limit(1000)
        )
        return [_session(r._mapping) for r in rows]

    def list(
        self,
        *,
        station_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
        sites: frozenset[str] | None = None,
    ) -> tuple[list[ChargingSession], int]:
        cond: ColumnElement[bool] = sessions.c.id.is_not(None)
        if sites is not None:  # a site scope: only sessions at its sites' stations
            scoped = select(stations.c.id).where(stations.c.site_id.in_(sorted(sites)))
            cond = cond & sessions.c.station_id.in_(scoped)
        if station_id is not None:
            cond = cond & (sessions.c.station_id == station_id)
        if since is not None:
            cond = cond & (sessions.c.started_at >= since)
        if until is not None:
            cond = cond & (sessions.c.started_at < until)
        total = (
            self._conn.execute(select(func.count()).select_from(sessions).where(cond))
        ).scalar_one()
        rows = self._conn.execute(
            select(sessions)
            .where(cond)
            .order_by(sessions.c.started_at.desc().nulls_last(), sessions.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_session(r._mapping) for r in rows], int(total)

    def _remember(self, row: Mapping[str, Any] | None) -> ChargingSession | None:
        if row is None:
            return None
        session = _session(row)
        if self._cache is not None:
            self._cache.put(session)
        return session


def _session(m: Any) -> ChargingSession:
    return ChargingSession(
        id=m["id"],
        station_id=m["station_id"],
        transaction_ref=m["transaction_ref"],
        ocpp_version=m["ocpp_version"],
        evse_id=m["evse_id"],
        connector_id=m["connector_id"],
        id_token=m["id_token"],
        status=SessionStatus(m["status"]),
        started_at=m["started_at"],
        stopped_at=m["stopped_at"],
        stop_reason=m["stop_reason"],
        meter_start_wh=m["meter_start_wh"],
        meter_stop_wh=m["meter_stop_wh"],
        energy_wh=m["energy_wh"],
        review_required=bool(m["review_required"]),
        anomalies=tuple(a for a in (m["anomalies"] or "").split(",") if a),
        last_register=(
            RegisterReading(m["last_register_at"], m["last_register_wh"])
            if m["last_register_at"] is not None
            else None
        ),
        incomplete_since=m["incomplete_since"],
    )


_METER_VALUE_COLUMNS = (
    "station_id",
    "evse_id",
    "session_id",
    "sampled_at",
    "register_wh",
    "samples",
    "received_at",
)
_ENERGY_COLUMNS = (
    "energy_wh",
    "last_register_at",
    "last_register_wh",
    "review_required",
    "anomalies",
)
