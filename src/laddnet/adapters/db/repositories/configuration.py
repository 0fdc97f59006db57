"""Station configuration as last read from the station (1.6 keys, 2.0.1 device model)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from laddnet.adapters.db.repositories._sql import upsert_many
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
        """Store what the station reported, one statement per kind of item for all items (a
        boot's whole configuration in two). A value alone (a set, a GetVariables result, a 1.6
        key) keeps the mutability and characteristics a report said; given, they replace it."""
        described: list[dict[str, Any]] = []  # with characteristics (a 2.0.1 report)
        values: list[dict[str, Any]] = []
        for item in items:
            row = {
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
            (values if item.characteristics is None else described).append(row)
        c = station_configuration.c

        def kept(excluded: Any) -> dict[str, Any]:
            return {
                "value": excluded.value,
                "reported_at": excluded.reported_at,
                "mutability": func.coalesce(excluded.mutability, c.mutability),
            }

        if described:
            upsert_many(
                self._conn,
                station_configuration,
                _KEYS,
                lambda excluded: kept(excluded) | {"characteristics": excluded.characteristics},
                described,
            )
        if values:
            upsert_many(self._conn, station_configuration, _KEYS, kept, values)

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
