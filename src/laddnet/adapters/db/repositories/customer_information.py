"""Customer information reports, one row per NotifyCustomerInformation part."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from laddnet.adapters.db.tables.customer_information import customer_information_parts as parts


class SqlCustomerInformation:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_part(
        self,
        station_id: str,
        request_id: int,
        seq_no: int,
        data_enc: str,
        tbc: bool,
        generated_at: datetime,
        now: datetime,
    ) -> bool:
        """False if the station sent this part already (the first copy is kept)."""
        seen = self._conn.execute(
            select(parts.c.seq_no).where(
                parts.c.station_id == station_id,
                parts.c.request_id == request_id,
                parts.c.seq_no == seq_no,
            )
        ).first()
        if seen is not None:
            return False
        self._conn.execute(
            insert(parts).values(
                station_id=station_id,
                request_id=request_id,
                seq_no=seq_no,
                data_enc=data_enc,
                tbc=tbc,
                generated_at=generated_at,
                received_at=now,
            )
        )
        return True

    def parts(self, station_id: str, request_id: int) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            select(parts)
            .where(parts.c.station_id == station_id, parts.c.request_id == request_id)
            .order_by(parts.c.seq_no)
        )
        return [dict(r._mapping) for r in rows]
