"""The per-message statements (hot_sql.py) read what Core would, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.tables.maintenance import station_monitoring
from laddnet.config import Settings

_AT = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)


async def test_all_and_one_return_rows_as_core_does(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url).driver_database_url)
    try:
        with engine.begin() as conn:
            rows = [
                {"station_id": "HOT-1", "maintenance": True, "recent_boots": [_AT.isoformat()]},
                {"station_id": "HOT-2", "maintenance": True, "recent_boots": []},
                {"station_id": "HOT-3", "maintenance": False, "recent_boots": []},
            ]
            conn.execute(
                insert(station_monitoring), [{**r, "maintenance_since": _AT} for r in rows]
            )
            hot = HotSql(conn)
            found = hot.all(station_monitoring, {"maintenance": True})
            core = conn.execute(
                select(station_monitoring).where(station_monitoring.c.maintenance.is_(True))
            )
            assert sorted(found, key=lambda r: r["station_id"]) == sorted(
                (dict(r._mapping) for r in core), key=lambda r: r["station_id"]
            )
            assert [r["station_id"] for r in found] in (["HOT-1", "HOT-2"], ["HOT-2", "HOT-1"])
            one = hot.one(station_monitoring, {"station_id": "HOT-1"})
            assert one is not None
            assert one["recent_boots"] == [_AT.isoformat()]  # JSON decoded, as Core does
            assert one["maintenance_since"] == _AT  # timezone-aware UTC
            assert hot.all(station_monitoring, {"station_id": "NONE"}) == []
    finally:
        engine.dispose()


async def test_delete_removes_only_the_matching_rows(database_url: str) -> None:
    engine = create_engine(Settings(database_url=database_url).driver_database_url)
    try:
        with engine.begin() as conn:
            rows = [
                {"station_id": f"DEL-{n}", "maintenance": n == 1, "recent_boots": []}
                for n in (1, 2, 3)
            ]
            conn.execute(insert(station_monitoring), rows)
            hot = HotSql(conn)
            assert hot.delete(station_monitoring, {"station_id": "DEL-2"}) == 1
            assert hot.delete(station_monitoring, {"station_id": "DEL-2"}) == 0
            assert hot.delete(station_monitoring, {"station_id": "DEL-3", "maintenance": True}) == 0
            left = conn.execute(select(station_monitoring.c.station_id)).scalars().all()
            assert sorted(left) == ["DEL-1", "DEL-3"]
    finally:
        engine.dispose()
