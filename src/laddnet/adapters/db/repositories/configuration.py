"""Station configuration as last read from the station (1.6 keys, 2.0.1 device model)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select, update

from laddnet.adapters.db.repositories._sql import upsert
from laddnet.adapters.db.tables import station_configuration, stations
from laddnet.domain.operations.model import ConfigurationItem

_KEYS = [
    "station_id",
    "component",
    "component_instance",
    "evse_id",
    "connector_id",
    "variable",
    "variable_instance",
    "attribute_type",
]


class SqlConfigurationStore:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def save(self, station_id: str, items: Sequence[ConfigurationItem], now: datetime) -> None:
        for item in items:
            values = {
                "station_id": station_id,
                "component": item.component,
                "component_instance": item.component_instance,
                "evse_id": item.evse_id,
                "connector_id": item.connector_id,
                "variable": item.variable,
                "variable_instance": item.variable_instance,
                "attribute_type": item.attribute_type,
                "value": item.value,
                "mutability": item.mutability,
                "characteristics": item.characteristics,
                "reported_at": now,
            }
            if item.mutability is None or item.characteristics is None:
                # A value alone (a set, a GetVariables result) keeps what the report said.
                existing = self._find(station_id, item)
                if existing is not None:
                    self._conn.execute(
                        update(station_configuration)
                        .where(station_configuration.c.id == existing)
                        .values(
                            value=item.value,
                            reported_at=now,
                            **({"mutability": item.mutability} if item.mutability else {}),
                            **(
                                {"characteristics": item.characteristics}
                                if item.characteristics
                                else {}
                            ),
                        )
                    )
                    continue
            self._conn.execute(upsert(self._conn, station_configuration, _KEYS, values))

    def _find(self, station_id: str, item: ConfigurationItem) -> int | None:
        c = station_configuration.c
        row = self._conn.execute(
            select(c.id).where(
                c.station_id == station_id,
                c.component == item.component,
                c.component_instance == item.component_instance,
                c.evse_id == item.evse_id,
                c.connector_id == item.connector_id,
                c.variable == item.variable,
                c.variable_instance == item.variable_instance,
                c.attribute_type == item.attribute_type,
            )
        ).first()
        return int(row[0]) if row is not None else None

    def items(self, station_id: str, *, component: str | None = None) -> list[ConfigurationItem]:
        c = station_configuration.c
        stmt = select(station_configuration).where(c.station_id == station_id)
        if component is not None:
            stmt = stmt.where(c.component == component)
        stmt = stmt.order_by(c.component, c.evse_id, c.connector_id, c.variable, c.attribute_type)
        return [
            ConfigurationItem(
                variable=r.variable,
                value=r.value,
                component=r.component,
                component_instance=r.component_instance,
                evse_id=r.evse_id,
                connector_id=r.connector_id,
                variable_instance=r.variable_instance,
                attribute_type=r.attribute_type,
                mutability=r.mutability,
                characteristics=r.characteristics,
                reported_at=r.reported_at,
            )
            for r in self._conn.execute(stmt)
        ]

    def read_at(self, station_id: str) -> datetime | None:
        value: datetime | None = self._conn.execute(
            select(stations.c.configuration_read_at).where(stations.c.id == station_id)
        ).scalar_one_or_none()
        return value

    def mark_read(self, station_id: str, now: datetime) -> None:
        self._conn.execute(
            update(stations).where(stations.c.id == station_id).values(configuration_read_at=now)
        )
