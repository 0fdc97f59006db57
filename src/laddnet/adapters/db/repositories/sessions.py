"""Charging sessions, their 2.0.1 transaction events and their meter samples."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, select, update

from laddnet.adapters.db.tables import meter_samples, sessions
from laddnet.adapters.db.types import milliwatt_hours, time_param
from laddnet.domain.sessions.model import (
    ENERGY_REGISTER,
    ChargingSession,
    MeterSample,
    RegisterReading,
    SessionStatus,
)

# Hot-path statements are built once: building and cache-keying a statement per message cost
# more than running it.
_BY_ID = select(sessions).where(sessions.c.id == bindparam("session_id"))
_BY_REF = select(sessions).where(
    sessions.c.station_id == bindparam("station_id"),
    sessions.c.transaction_ref == bindparam("transaction_ref"),
)


class SqlSessionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, session_id: int) -> ChargingSession | None:
        row = self._conn.execute(_BY_ID, {"session_id": session_id}).first()
        return _session(row._mapping) if row else None

    def update_energy(
        self,
        session_id: int,
        energy_wh: Decimal,
        last: RegisterReading | None,
        anomalies: Sequence[str],
    ) -> None:
        # Runs for every meter value: a raw DBAPI statement, values converted as the column
        # types would (see adapters/db/types.py).
        stamp = time_param(self._conn.dialect.name)
        params = (
            milliwatt_hours(energy_wh),
            stamp(last.at if last else None),
            milliwatt_hours(last.wh if last else None),
            bool(anomalies),
            ",".join(anomalies),
            session_id,
        )
        cursor = self._conn.connection.cursor()
        try:
            cursor.execute(_update_energy_sql(self._conn), params)
        finally:
            cursor.close()

    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None:
        params = {"station_id": station_id, "transaction_ref": transaction_ref}
        row = self._conn.execute(_BY_REF, params).first()
        return _session(row._mapping) if row else None

    def by_start_key(self, start_key: str) -> ChargingSession | None:
        return self._one(sessions.c.start_key == start_key)

    def open_session_for_stop(
        self, station_id: str, id_token: str | None, stopped_at: datetime
    ) -> ChargingSession | None:
        """The latest active session a stop without a usable transaction id must belong to."""
        cond = (
            (sessions.c.station_id == station_id)
            & (sessions.c.status == SessionStatus.ACTIVE.value)
            & (sessions.c.started_at <= stopped_at)
        )
        if id_token:
            cond = cond & (sessions.c.id_token == id_token)
        row = (
            self._conn.execute(
                select(sessions).where(cond).order_by(sessions.c.started_at.desc()).limit(1)
            )
        ).first()
        return _session(row._mapping) if row else None

    def create(self, **values: Any) -> int:
        result = self._conn.execute(insert(sessions).values(**values).returning(sessions.c.id))
        return int(result.scalar_one())

    def update(self, session_id: int, **values: Any) -> None:
        self._conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))

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
        stamp = time_param(self._conn.dialect.name)
        params = (session_id, seq_no, event_type, trigger_reason, stamp(occurred_at), stamp(now))
        cursor = self._conn.connection.cursor()
        try:
            cursor.execute(_insert_event_sql(self._conn), params)
            # RETURNING, not rowcount: some drivers give -1 for INSERT ... ON CONFLICT DO NOTHING.
            return cursor.fetchone() is not None
        finally:
            cursor.close()

    def add_samples(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        samples: Sequence[MeterSample],
        now: datetime,
    ) -> None:
        if not samples:
            return
        # The busiest statement of all, so it skips SQLAlchemy's per-row bind processing: the
        # values are converted here exactly as UtcDateTime would, once per timestamp.
        stamp = time_param(self._conn.dialect.name)
        received = stamp(now)
        stamps: dict[datetime, object] = {}
        rows = [
            (
                station_id,
                evse_id,
                session_id,
                stamps.get(s.sampled_at) or stamps.setdefault(s.sampled_at, stamp(s.sampled_at)),
                s.measurand,
                s.phase or "",
                s.location or "",
                s.context or "",
                str(s.value),
                s.unit,
                received,
            )
            for s in samples
        ]
        cursor = self._conn.connection.cursor()
        try:
            cursor.executemany(_insert_samples_sql(self._conn), rows)
        finally:
            cursor.close()

    def register_readings(self, session_id: int) -> list[RegisterReading]:
        rows = self._conn.execute(
            select(meter_samples.c.sampled_at, meter_samples.c.value)
            .where(
                meter_samples.c.session_id == session_id,
                meter_samples.c.measurand == ENERGY_REGISTER,
                meter_samples.c.phase == "",
                meter_samples.c.location.in_(("", "Outlet")),
            )
            .order_by(meter_samples.c.sampled_at)
        )
        return [RegisterReading(at=r.sampled_at, wh=Decimal(r.value)) for r in rows]

    def samples(self, session_id: int) -> list[MeterSample]:
        rows = self._conn.execute(
            select(meter_samples)
            .where(meter_samples.c.session_id == session_id)
            .order_by(meter_samples.c.sampled_at, meter_samples.c.id)
        )
        return [
            MeterSample(
                sampled_at=r.sampled_at,
                measurand=r.measurand,
                value=Decimal(r.value),
                unit=r.unit,
                phase=r.phase or None,
                location=r.location or None,
                context=r.context or None,
            )
            for r in rows
        ]

    def list(
        self,
        *,
        station_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
    ) -> tuple[list[ChargingSession], int]:
        cond: ColumnElement[bool] = sessions.c.id.is_not(None)
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

    def _one(self, cond: Any) -> ChargingSession | None:
        row = (self._conn.execute(select(sessions).where(cond))).first()
        return _session(row._mapping) if row else None


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
    )


_SAMPLE_COLUMNS = (
    "station_id, evse_id, session_id, sampled_at, measurand, phase, location, context, value,"
    " unit, received_at"
)


def _insert_samples_sql(conn: Connection) -> str:
    placeholders = ", ".join([_marker(conn)] * 11)
    return (
        f"INSERT INTO meter_samples ({_SAMPLE_COLUMNS}) VALUES ({placeholders})"  # noqa: S608
        " ON CONFLICT DO NOTHING"
    )


def _marker(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _update_energy_sql(conn: Connection) -> str:
    m = _marker(conn)
    return (
        f"UPDATE sessions SET energy_wh = {m}, last_register_at = {m}, last_register_wh = {m},"  # noqa: S608
        f" review_required = {m}, anomalies = {m} WHERE id = {m}"
    )


def _insert_event_sql(conn: Connection) -> str:
    placeholders = ", ".join([_marker(conn)] * 6)
    return (
        "INSERT INTO transaction_events"  # noqa: S608 - fixed text, values are parameters
        " (session_id, seq_no, event_type, trigger_reason, occurred_at, received_at)"
        f" VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING seq_no"
    )
