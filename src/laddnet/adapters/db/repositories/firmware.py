"""Firmware updates requested of stations and the statuses they reported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from laddnet.adapters.db.tables import firmware_statuses, firmware_updates
from laddnet.domain.operations.model import FirmwareStatusReport, FirmwareUpdate


class SqlFirmwareLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_update(self, station_id: str, now: datetime, **values: Any) -> int:
        stmt = (
            insert(firmware_updates)
            .values(station_id=station_id, requested_at=now, updated_at=now, **values)
            .returning(firmware_updates.c.id)
        )
        return int(self._conn.execute(stmt).scalar_one())

    def find_update(self, station_id: str, request_id: int | None) -> int | None:
        """The update a status is about: by requestId, else the station's latest."""
        c = firmware_updates.c
        stmt = select(c.id).where(c.station_id == station_id)
        if request_id is not None:
            stmt = stmt.where(c.request_id == request_id)
        row = self._conn.execute(stmt.order_by(c.id.desc()).limit(1)).first()
        return int(row[0]) if row is not None else None

    def set_answer(
        self, update_id: int, status: str, command_id: int, now: datetime, only_from: str
    ) -> None:
        """The station's answer; a status it already reported is not overwritten."""
        c = firmware_updates.c
        self._conn.execute(
            update(firmware_updates).where(c.id == update_id).values(command_id=command_id)
        )
        self._conn.execute(
            update(firmware_updates)
            .where(c.id == update_id, c.status == only_from)
            .values(status=status, updated_at=now)
        )

    def add_status(
        self, station_id: str, update_id: int | None, status: str, now: datetime
    ) -> None:
        self._conn.execute(
            insert(firmware_statuses).values(
                station_id=station_id, update_id=update_id, status=status, received_at=now
            )
        )
        if update_id is not None:
            self._conn.execute(
                update(firmware_updates)
                .where(firmware_updates.c.id == update_id)
                .values(status=status, updated_at=now)
            )

    def updates(self, station_id: str, limit: int = 50) -> list[FirmwareUpdate]:
        c = firmware_updates.c
        rows = self._conn.execute(
            select(firmware_updates)
            .where(c.station_id == station_id)
            .order_by(c.id.desc())
            .limit(limit)
        ).all()
        s = firmware_statuses.c
        reports: dict[int, list[FirmwareStatusReport]] = {}
        if rows:
            for r in self._conn.execute(
                select(s.update_id, s.status, s.received_at)
                .where(s.update_id.in_([row.id for row in rows]))
                .order_by(s.id)
            ):
                reports.setdefault(r.update_id, []).append(
                    FirmwareStatusReport(r.status, r.received_at)
                )
        return [
            FirmwareUpdate(
                id=r.id,
                station_id=r.station_id,
                request_id=r.request_id,
                location=r.location,
                retrieve_at=r.retrieve_at,
                status=r.status,
                requested_at=r.requested_at,
                updated_at=r.updated_at,
                command_id=r.command_id,
                retries=r.retries,
                retry_interval=r.retry_interval,
                statuses=reports.get(r.id, []),
            )
            for r in rows
        ]
