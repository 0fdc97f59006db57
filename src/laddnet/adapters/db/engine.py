"""Engine creation and schema migration (SQLAlchemy's synchronous engine, used off the loop)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from laddnet.adapters.db.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(driver_url: str, *, pool_size: int = 8) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and transactions we begin ourselves."""
    if driver_url.startswith("sqlite"):
        engine = sa_create_engine(
            driver_url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
            json_deserializer=orjson.loads,  # every outbox event read back (stdlib: 3x slower)
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # pre_ping: after a PostgreSQL restart, stale pooled connections are replaced before use
    # instead of failing one write group.
    return sa_create_engine(
        driver_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        json_deserializer=orjson.loads,
    )


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # The sqlite3 module's own transaction handling (implicit BEGINs and COMMITs) would fight
    # ours; we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _sqlite_begin(conn: Connection) -> None:
    # The batch writer asks for IMMEDIATE, so it never fails upgrading a read lock to a write.
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return  # reads run statement by statement
    # Returning an autocommit connection to the pool restores the driver's default; undo that.
    dbapi_connection = conn.connection.dbapi_connection
    dbapi_connection.isolation_level = None  # type: ignore[union-attr]
    if options.get("sqlite_immediate"):
        # The batch writer, hundreds of groups a second: straight to the driver, as SQLAlchemy's
        # execution path cost more than the BEGIN. The writer handles the driver's own errors.
        dbapi_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
    else:
        conn.exec_driver_sql("BEGIN")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def is_current(engine: Engine) -> bool:
    """True if the schema is at HEAD; answered without importing Alembic (CLI start-up time)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False  # a new database
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return version == HEAD


def migrate_sync(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the latest schema; running it again changes nothing."""
    if revision == "head" and is_current(engine):
        return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


async def migrate(engine: Engine) -> None:
    await asyncio.to_thread(migrate_sync, engine)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        revision: str | None = MigrationContext.configure(conn).get_current_revision()
        return revision
