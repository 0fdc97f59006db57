"""A station's firmware age: kept across boots with the same version, restarted by a new one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.repositories.health import SqlHealth
from laddnet.adapters.db.tables.health import firmware_seen
from laddnet.config import Settings

_T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


async def test_firmware_age_survives_reboots_even_with_a_version_over_50_characters(
    database_url: str,
) -> None:
    engine = create_engine(Settings(database_url=database_url).driver_database_url)
    long_version = "v" * 60  # stored truncated to 50: a reboot must not look like an upgrade
    try:
        with engine.begin() as conn:
            health = SqlHealth(conn)

            def seen() -> tuple[str, datetime]:
                row = conn.execute(select(firmware_seen)).one()
                return row.firmware_version, row.first_seen_at

            health.firmware_seen("FW-1", long_version, _T0)
            health.firmware_seen("FW-1", long_version, _T0 + timedelta(hours=1))
            assert seen() == (long_version[:50], _T0)
            health.firmware_seen("FW-1", "2.0", _T0 + timedelta(hours=2))
            assert seen() == ("2.0", _T0 + timedelta(hours=2))
            health.firmware_seen("FW-1", "2.0", _T0 + timedelta(hours=3))
            assert seen() == ("2.0", _T0 + timedelta(hours=2))
    finally:
        engine.dispose()
