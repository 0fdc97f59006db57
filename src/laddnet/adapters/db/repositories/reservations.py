"""Reservations of stations' EVSEs; the id is the reservationId the station knows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from laddnet.adapters.db.tables import reservations
from laddnet.domain.authorization.model import fold_token
from laddnet.domain.operations.model import Reservation, ReservationStatus


def _reservation(r: Any) -> Reservation:
    return Reservation(
        id=r.id,
        station_id=r.station_id,
        evse_id=r.evse_id,
        id_token=r.id_token,
        expires_at=r.expires_at,
        status=ReservationStatus(r.status),
        created_at=r.created_at,
        updated_at=r.updated_at,
        command_id=r.command_id,
    )


class SqlReservations:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def anonymize_tokens(self, values: Sequence[str], placeholder: str) -> int:
        """Replace the id token of reservations made for one of `values` (an erased driver's)."""
        if not values:
            return 0
        folded = [fold_token(v) for v in values]  # case-insensitive, as stations match them
        query = update(reservations).where(func.lower(reservations.c.id_token).in_(folded))
        return self._conn.execute(query.values(id_token=placeholder)).rowcount

    def add(
        self,
        station_id: str,
        evse_id: int | None,
        id_token: str,
        expires_at: datetime,
        now: datetime,
    ) -> int:
        stmt = (
            insert(reservations)
            .values(
                station_id=station_id,
                evse_id=evse_id,
                id_token=id_token,
                expires_at=expires_at,
                status=ReservationStatus.REQUESTED.value,
                created_at=now,
                updated_at=now,
            )
            .returning(reservations.c.id)
        )
        return int(self._conn.execute(stmt).scalar_one())

    def get(self, reservation_id: int) -> Reservation | None:
        row = self._conn.execute(
            select(reservations).where(reservations.c.id == reservation_id)
        ).first()
        return _reservation(row) if row is not None else None

    def set_status(
        self,
        reservation_id: int,
        status: ReservationStatus,
        now: datetime,
        *,
        only_from: tuple[ReservationStatus, ...] = (),
        command_id: int | None = None,
    ) -> bool:
        c = reservations.c
        stmt = update(reservations).where(c.id == reservation_id)
        if only_from:
            stmt = stmt.where(c.status.in_([s.value for s in only_from]))
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if command_id is not None:
            values["command_id"] = command_id
        return self._conn.execute(stmt.values(**values)).rowcount == 1

    def expire(self, now: datetime) -> list[Reservation]:
        """Marks active reservations past their expiry as expired and returns them."""
        c = reservations.c
        due = self._conn.execute(
            select(reservations).where(
                c.status == ReservationStatus.ACTIVE.value, c.expires_at <= now
            )
        ).all()
        if due:
            self._conn.execute(
                update(reservations)
                .where(c.id.in_([r.id for r in due]), c.status == ReservationStatus.ACTIVE.value)
                .values(status=ReservationStatus.EXPIRED.value, updated_at=now)
            )
        return [_reservation(r) for r in due]

    def active_for(self, station_ids: Sequence[str]) -> list[Reservation]:
        """The active reservations of these stations (one query for a page of stations)."""
        if not station_ids:
            return []
        c = reservations.c
        stmt = select(reservations).where(
            c.station_id.in_(list(station_ids)), c.status == ReservationStatus.ACTIVE.value
        )
        return [_reservation(r) for r in self._conn.execute(stmt.order_by(c.id))]

    def list(self, station_id: str, *, active_only: bool = False) -> list[Reservation]:
        c = reservations.c
        stmt = select(reservations).where(c.station_id == station_id)
        if active_only:
            stmt = stmt.where(c.status == ReservationStatus.ACTIVE.value)
        return [_reservation(r) for r in self._conn.execute(stmt.order_by(c.id.desc()).limit(200))]
