"""Dialect helpers shared by the repositories."""

from __future__ import annotations

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
