"""Alerts and alert rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates, upsert
from laddnet.adapters.db.tables.maintenance import alert_rules, alerts
from laddnet.domain.maintenance.alerts import (
    NETWORK_SCOPE,
    SEVERITY,
    SITE_SCOPE,
    Alert,
    AlertKey,
    AlertKind,
    Condition,
    RuleSet,
    Severity,
)

OPEN = 1
_ALERT_COLUMNS = tuple(c.name for c in alerts.columns)
_OPEN_AT = "WHERE open_marker = ? AND station_id = ? ORDER BY id"


def _alert(m: Mapping[Any, Any]) -> Alert:
    return Alert(
        id=m["id"],
        key=AlertKey(m["station_id"], m["evse_id"], m["connector_id"], AlertKind(m["kind"])),
        severity=Severity(m["severity"]),
        opened_at=m["opened_at"],
        closed_at=m["closed_at"],
        details=dict(m["details"] or {}),
        site_id=m["site_id"],
        close_reason=m["close_reason"],
    )


class SqlAlerts:
    """The alert half of `laddnet.ports.MaintenanceStore`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def open_alerts(
        self, *, station_id: str | None = None, kinds: Sequence[AlertKind] | None = None
    ) -> list[Alert]:
        if station_id is not None and kinds is None:  # every session end: hot SQL
            found = self._hot.select(alerts, _ALERT_COLUMNS, _OPEN_AT, (OPEN, station_id))
            return [_alert(r) for r in found]
        stmt = select(alerts).where(alerts.c.open_marker == OPEN)
        if station_id is not None:
            stmt = stmt.where(alerts.c.station_id == station_id)
        if kinds is not None:
            stmt = stmt.where(alerts.c.kind.in_([k.value for k in kinds]))
        return [_alert(r._mapping) for r in self._conn.execute(stmt.order_by(alerts.c.id))]

    def open_alert(self, condition: Condition, site_id: str | None, now: datetime) -> Alert | None:
        key = condition.key
        values = {
            "station_id": key.station_id,
            "evse_id": key.evse_id,
            "connector_id": key.connector_id,
            "kind": key.kind.value,
            "severity": SEVERITY[key.kind].value,
            "site_id": site_id,
            "opened_at": now,
            "details": {**condition.details, "since": condition.since.isoformat()},
            "open_marker": OPEN,
        }
        stmt = insert_ignoring_duplicates(self._conn, alerts).values(values)
        row = self._conn.execute(stmt.returning(*alerts.c)).first()
        return _alert(row._mapping) if row is not None else None

    def close_alert(self, alert_id: int, now: datetime, reason: str) -> Alert | None:
        stmt = (
            update(alerts)
            .where(alerts.c.id == alert_id)
            .where(alerts.c.open_marker == OPEN)
            .values(closed_at=now, close_reason=reason[:64], open_marker=None)
            .returning(*alerts.c)
        )
        row = self._conn.execute(stmt).first()
        return _alert(row._mapping) if row is not None else None

    def update_alert_details(self, alert_id: int, details: Mapping[str, Any]) -> None:
        stmt = (
            update(alerts)
            .where(alerts.c.id == alert_id)
            .where(alerts.c.open_marker == OPEN)
            .values(details=dict(details))
        )
        self._conn.execute(stmt)

    def get_alert(self, alert_id: int) -> Alert | None:
        row = self._conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        return _alert(row._mapping) if row is not None else None

    def list_alerts(
        self,
        *,
        status: str | None,
        station_id: str | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Alert], int]:
        cond: ColumnElement[bool] = alerts.c.id.is_not(None)
        if status == "open":
            cond = cond & (alerts.c.open_marker == OPEN)
        elif status == "closed":
            cond = cond & alerts.c.open_marker.is_(None)
        if station_id is not None:
            cond = cond & (alerts.c.station_id == station_id)
        if kind is not None:
            cond = cond & (alerts.c.kind == kind)
        total = self._conn.execute(select(func.count()).select_from(alerts).where(cond))
        rows = self._conn.execute(
            select(alerts).where(cond).order_by(alerts.c.id.desc()).limit(limit).offset(offset)
        )
        return [_alert(r._mapping) for r in rows], int(total.scalar_one())

    def rule_set(self) -> RuleSet:
        network: dict[str, Any] = {}
        sites: dict[str, dict[str, Any]] = {}
        for r in self._conn.execute(select(alert_rules)):
            if r.scope == NETWORK_SCOPE:
                network = dict(r.overrides)
            elif r.scope.startswith(SITE_SCOPE):
                sites[r.scope.removeprefix(SITE_SCOPE)] = dict(r.overrides)
        return RuleSet(network, sites)

    def save_rules(self, scope: str, overrides: Mapping[str, Any], by: str, now: datetime) -> None:
        values = {"scope": scope, "overrides": dict(overrides), "updated_by": by, "updated_at": now}
        self._conn.execute(upsert(self._conn, alert_rules, ["scope"], values))
