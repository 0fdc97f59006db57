"""The migrations build exactly the schema `tables.py` describes, and HEAD names the newest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from laddnet.adapters.db.engine import alembic_config, current_revision, is_current, migrate_sync
from laddnet.adapters.db.migrations import HEAD
from laddnet.adapters.db.tables import metadata
from laddnet.bootstrap import Container
from laddnet.domain.ids import EvseId, StationId
from laddnet.domain.stations.model import WHOLE_STATION, AvailabilityReport, ConnectorStatus


def test_head_constant_names_the_newest_script() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


async def test_migrated_schema_matches_the_tables(container: Container) -> None:
    def differences() -> list[object]:
        with container.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            return list(compare_metadata(context, metadata))

    assert await asyncio.to_thread(differences) == []


async def test_migrate_again_changes_nothing(container: Container) -> None:
    assert await asyncio.to_thread(is_current, container.engine)
    await asyncio.to_thread(migrate_sync, container.engine)
    assert await asyncio.to_thread(current_revision, container.engine) == HEAD


async def test_0003_down_and_up_keeps_the_stations_and_their_connected_flags(
    container: Container,
) -> None:
    sid = StationId("CP-1")
    await container.stations.add_station(sid, "station-password-0001")
    await container.stations.set_presence(sid, True, "1.6")

    def down_and_up() -> list[str]:
        with container.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        with container.engine.connect() as conn:
            columns = [c["name"] for c in inspect(conn).get_columns("stations")]
        migrate_sync(container.engine)
        return columns

    assert "connected_node" not in await asyncio.to_thread(down_and_up)
    station = await container.queries.station(sid)
    assert station is not None and station.connected
    # A flag from before nodes were recorded belongs to no node: the next node to start clears it.
    await container.stations.clear_presence()
    station = await container.queries.station(sid)
    assert station is not None and not station.connected


async def test_0004_moves_the_charge_points_connector_0_status_both_ways(
    container: Container,
) -> None:
    sid = StationId("CP-1")
    at = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    await container.stations.add_station(sid, "station-password-0001")
    faulted, occupied = ConnectorStatus.FAULTED, ConnectorStatus.OCCUPIED
    await container.stations.report_status(
        AvailabilityReport(sid, WHOLE_STATION, faulted, "PowerMeterFailure", at)
    )
    await container.stations.report_status(AvailabilityReport(sid, EvseId(1), occupied, None, at))

    def down_and_up() -> list[tuple[int, int, str, str | None]]:
        with container.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
            rows = conn.execute(
                text("SELECT evse_id, connector_id, status, error_code FROM connectors")
            )
            before = [tuple(row) for row in rows]
        migrate_sync(container.engine)
        return before  # type: ignore[return-value]

    # Before 0004 the charge point's own status was a connector "0/0"; EVSE rows have no place.
    assert await asyncio.to_thread(down_and_up) == [(0, 0, "Faulted", "PowerMeterFailure")]
    station = await container.queries.station(sid)
    assert station is not None
    assert station.availability is not None
    assert (station.availability.status, station.availability.error_code) == (
        faulted,
        "PowerMeterFailure",
    )
    assert station.availability.reported_at == at
    assert (station.connectors, station.evses) == ((), ())
