"""Dialect helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Insert, Table


def _insert(conn: Connection, table: Table) -> Any:
    # Dialect modules are imported here, not at the top: only one is ever needed, and the CLI
    # starts faster without the other.
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def upsert_many(
    conn: Connection,
    table: Table,
    keys: list[str],
    updates: Callable[[Any], dict[str, Any]],
    rows: list[dict[str, Any]],
) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET `updates(excluded)` for many rows, as one
    statement executed with each row (rows with the same keys: the last one counts)."""
    unique = {tuple(row[k] for k in keys): row for row in rows}
    stmt = _insert(conn, table)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_=updates(stmt.excluded))
    conn.execute(stmt, list(unique.values()))


def insert_ignoring_duplicates(conn: Connection, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike."""
    stmt: Insert = _insert(conn, table).on_conflict_do_nothing()
    return stmt


def upsert(conn: Connection, table: Table, keys: list[str], values: dict[str, Any]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET the other values."""
    updates = {k: v for k, v in values.items() if k not in keys}
    stmt: Insert = (
        _insert(conn, table)
        .values(**values)
        .on_conflict_do_update(index_elements=keys, set_=updates)
    )
    return stmt
