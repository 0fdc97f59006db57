"""The status history: one row per change of a connector's, an EVSE's or a station's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables import status_history
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import ChargingState, ConnectorStatus


class SqlStatusHistory:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def add(self, change: StatusChange) -> None:
        """One INSERT on the per-message path, through the precompiled statement."""
        values = {
            "station_id": change.station_id,
            "evse_id": change.evse_id,
            "connector_id": change.connector_id,
            "status": change.status.value,
            "charging_state": change.charging_state.value if change.charging_state else None,
            "error_code": change.error_code,
            "vendor_id": change.vendor_id,
            "vendor_error_code": change.vendor_error_code,
            "info": change.info,
            "reported_at": change.reported_at,
            "received_at": change.received_at,
        }
        self._hot.insert(status_history, values)

    def list(
        self,
        station_id: StationId,
        *,
        since: datetime | None,
        until: datetime | None,
        evse_id: EvseId | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StatusChange], int]:
        """Newest station time first; since/until bound the station's time (`reported_at`)."""
        cond: ColumnElement[bool] = status_history.c.station_id == station_id
        if since is not None:
            cond = cond & (status_history.c.reported_at >= since)
        if until is not None:
            cond = cond & (status_history.c.reported_at < until)
        if evse_id is not None:
            cond = cond & (status_history.c.evse_id == evse_id)
        total = self._conn.execute(
            select(func.count()).select_from(status_history).where(cond)
        ).scalar_one()
        rows = self._conn.execute(
            select(status_history)
            .where(cond)
            .order_by(status_history.c.reported_at.desc(), status_history.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_change(r._mapping) for r in rows], int(total)


def _change(m: Any) -> StatusChange:
    charging = m["charging_state"]
    return StatusChange(
        station_id=StationId(m["station_id"]),
        evse_id=EvseId(m["evse_id"]),
        connector_id=ConnectorId(m["connector_id"]),
        status=ConnectorStatus(m["status"]),
        charging_state=ChargingState(charging) if charging else None,
        error_code=m["error_code"],
        vendor_id=m["vendor_id"],
        vendor_error_code=m["vendor_error_code"],
        info=m["info"],
        reported_at=m["reported_at"],
        received_at=m["received_at"],
    )
