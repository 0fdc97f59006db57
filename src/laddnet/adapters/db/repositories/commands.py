"""The command log: every command sent to a station and its outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import station_commands
from laddnet.domain.commands.model import CommandOutcome, CommandRecord


class SqlCommandLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def add(
        self,
        station_id: str,
        name: str,
        body: dict[str, Any],
        sent_by: str,
        now: datetime,
        *,
        ocpp_action: str | None,
        request: dict[str, Any] | None,
        outcome: CommandOutcome = CommandOutcome.PENDING,
    ) -> int:
        # Each command, the automatic ones after every boot too: on the driver's cursor.
        values = {
            "station_id": station_id,
            "name": name,
            "body": body,
            "sent_by": sent_by,
            "requested_at": now,
            "ocpp_action": ocpp_action,
            "request": request,
            "outcome": outcome.value,
        }
        return int(self._hot.insert(station_commands, values, returning="id"))

    def finish(
        self,
        command_id: int,
        outcome: CommandOutcome,
        now: datetime,
        *,
        status: str | None = None,
        response: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        values = {
            "outcome": outcome.value,
            "status": status,
            "response": response,
            "error": error[:255] if error else None,
            "answered_at": now,
        }
        self._hot.update(station_commands, values, {"id": command_id})

    def get(self, command_id: int) -> CommandRecord | None:
        row = self._conn.execute(
            select(station_commands).where(station_commands.c.id == command_id)
        ).first()
        return _record(row._mapping) if row else None

    def list(
        self, station_id: str, *, name: str | None, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]:
        where = [station_commands.c.station_id == station_id]
        if name is not None:
            where.append(station_commands.c.name == name)
        total = self._conn.execute(
            select(func.count()).select_from(station_commands).where(*where)
        ).scalar_one()
        rows = self._conn.execute(
            select(station_commands)
            .where(*where)
            .order_by(station_commands.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_record(r._mapping) for r in rows], int(total)


def _record(row: Any) -> CommandRecord:
    return CommandRecord(
        id=row["id"],
        station_id=row["station_id"],
        name=row["name"],
        body=row["body"],
        sent_by=row["sent_by"],
        requested_at=row["requested_at"],
        outcome=CommandOutcome(row["outcome"]),
        ocpp_action=row["ocpp_action"],
        request=row["request"],
        status=row["status"],
        response=row["response"],
        error=row["error"],
        answered_at=row["answered_at"],
    )
