"""Single-row statements for the per-message path, run on the driver's own cursor.

SQLAlchemy Core defines the schema and builds every other query. For the few statements each
OCPP message runs, building and executing through Core cost several times the SQL itself, so
these helpers render the statement text once per table, columns and dialect and convert values
with the columns' own types (`UtcDateTime`, `WattHours`, `Boolean`), exactly as Core would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.types import TypeEngine

from laddnet.adapters.db.types import UtcDateTime, WattHours, milliwatt_hours, time_param

Row = dict[str, Any]
_Convert = Callable[[Any], Any]


class HotSql:
    """Insert, update, upsert, delete and fetch rows of a table on one connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._dialect = conn.dialect
        self.qmark = conn.dialect.paramstyle == "qmark"  # else the format style, "%s"

    def insert(
        self,
        table: Table,
        values: Mapping[str, Any],
        returning: str | None = None,
        *,
        ignore_duplicates: bool = False,
    ) -> Any:
        """INSERT one row; the value of column `returning` if asked for (None for a duplicate
        that `ignore_duplicates` skipped)."""
        sql = insert_sql(table.name, tuple(values), returning, ignore_duplicates, self.qmark)
        _, row = self.execute(sql, self._params(table, values), fetch=returning is not None)
        return row[0] if row is not None else None

    def update(self, table: Table, values: Mapping[str, Any], where: Mapping[str, Any]) -> int:
        """UPDATE the rows matching `where` (equalities); the number of rows changed."""
        sql = update_sql(table.name, tuple(values), tuple(where), self.qmark)
        params = [*self._params(table, values), *self._params(table, where)]
        return self.execute(sql, params)[0]

    def delete(self, table: Table, where: Mapping[str, Any]) -> int:
        """DELETE the rows matching `where` (equalities); the number of rows deleted."""
        sql = _delete_sql(table.name, tuple(where), self.qmark)
        return self.execute(sql, self._params(table, where))[0]

    def upsert(self, table: Table, keys: Sequence[str], values: Mapping[str, Any]) -> None:
        """INSERT, or UPDATE the non-key columns of the row with the same `keys`."""
        sql = _upsert_sql(table.name, tuple(values), tuple(keys), self.qmark)
        self.execute(sql, self._params(table, values))

    def one(self, table: Table, where: Mapping[str, Any]) -> Row | None:
        """The row matching `where` (equalities on a unique key), values as Core returns them."""
        names = tuple(c.name for c in table.columns)
        sql = _select_sql(table.name, names, tuple(where), self.qmark)
        _, row = self.execute(sql, self._params(table, where), fetch=True)
        return None if row is None else self._row(table, row)

    def all(self, table: Table, where: Mapping[str, Any]) -> list[Row]:
        """Every row matching `where` (equalities), values as Core returns them."""
        names = tuple(c.name for c in table.columns)
        sql = _select_sql(table.name, names, tuple(where), self.qmark)
        return [self._row(table, row) for row in self.fetch_all(sql, self._params(table, where))]

    def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The raw rows of a query whose values are already converted (see `execute`)."""
        cursor = self._conn.connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _row(self, table: Table, row: Sequence[Any]) -> Row:
        out = _result_converters(table, self._dialect)
        return {name: convert(value) for (name, convert), value in zip(out, row, strict=True)}

    def select(
        self, table: Table, columns: tuple[str, ...], tail: str, params: Sequence[Any]
    ) -> list[Row]:
        """The `columns` of the rows of `table` that `tail` (SQL after `FROM table`, with `?`
        markers turned into the driver's own) selects, values as Core returns them."""
        tail = tail if self.qmark else tail.replace("?", "%s")
        sql = f"SELECT {', '.join(columns)} FROM {table.name} {tail}"  # noqa: S608
        convert = _named_result_converters(table, self._dialect)
        chosen = [convert[name] for name in columns]
        return [
            {name: fn(value) for name, fn, value in zip(columns, chosen, row, strict=True)}
            for row in self.fetch_all(sql, params)
        ]

    def row_lock(self, *, skip_locked: bool = False) -> str:
        """The tail that locks the selected rows until commit: `FOR UPDATE` (`SKIP LOCKED`:
        rows another transaction holds are passed over) on PostgreSQL; nothing on SQLite,
        whose one writer holds the whole file."""
        if self._dialect.name != "postgresql":
            return ""
        return " FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE"

    def column(self, table: Table, column: str, where: str, params: Sequence[Any]) -> list[Any]:
        """The raw values of `column` in the rows of `table` matching `where`, SQL with `?`
        markers (turned into the driver's own), for a column whose values need no conversion."""
        where = where if self.qmark else where.replace("?", "%s")
        sql = f"SELECT {column} FROM {table.name} WHERE {where}"  # noqa: S608
        return [row[0] for row in self.fetch_all(sql, params)]

    def _params(self, table: Table, values: Mapping[str, Any]) -> list[Any]:
        convert = _bind_converters(table, self._dialect)
        return [convert[name](value) for name, value in values.items()]

    def execute(self, sql: str, params: Sequence[Any], fetch: bool = False) -> tuple[int, Any]:
        """Run one statement with values already converted: (rows changed, the first row if
        `fetch`). For callers that convert a hot statement's values themselves."""
        cursor = self._conn.connection.cursor()
        try:
            cursor.execute(sql, params)
            row = cursor.fetchone() if fetch else None
            return int(cursor.rowcount), row
        finally:
            cursor.close()


def _same(value: Any) -> Any:
    return value


@lru_cache(maxsize=256)
def _bind_converters(table: Table, dialect: Dialect) -> dict[str, _Convert]:
    return {c.name: _bind_converter(c.type, dialect) for c in table.columns}


def _bind_converter(kind: TypeEngine[Any], dialect: Dialect) -> _Convert:
    # Our own types have direct equivalents of their processing chains (see types.py); any
    # other type gets the processors Core itself applies.
    if isinstance(kind, UtcDateTime):
        return time_param(dialect.name)
    if isinstance(kind, WattHours):
        return milliwatt_hours
    return kind.dialect_impl(dialect).bind_processor(dialect) or _same


@lru_cache(maxsize=256)
def _result_converters(table: Table, dialect: Dialect) -> tuple[tuple[str, _Convert], ...]:
    return tuple(
        (c.name, c.type.dialect_impl(dialect).result_processor(dialect, None) or _same)
        for c in table.columns
    )


@lru_cache(maxsize=256)
def _named_result_converters(table: Table, dialect: Dialect) -> dict[str, _Convert]:
    return dict(_result_converters(table, dialect))


def markers(count: int, qmark: bool) -> str:
    return ", ".join(["?" if qmark else "%s"] * count)


def _conditions(columns: Sequence[str], qmark: bool) -> str:
    marker = "?" if qmark else "%s"
    return " AND ".join(f"{c} = {marker}" for c in columns)


# The statement texts below are built from the schema's own table and column names only;
# every value travels as a parameter. Each text is built once.


@cache
def insert_sql(
    table: str, columns: tuple[str, ...], returning: str | None, ignore: bool, qmark: bool
) -> str:
    names = ", ".join(columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({markers(len(columns), qmark)})"  # noqa: S608
    if ignore:
        sql += " ON CONFLICT DO NOTHING"
    return f"{sql} RETURNING {returning}" if returning else sql


@cache
def update_sql(table: str, columns: tuple[str, ...], where: tuple[str, ...], qmark: bool) -> str:
    marker = "?" if qmark else "%s"
    assignments = ", ".join(f"{c} = {marker}" for c in columns)
    return f"UPDATE {table} SET {assignments} WHERE {_conditions(where, qmark)}"  # noqa: S608


@cache
def _delete_sql(table: str, where: tuple[str, ...], qmark: bool) -> str:
    return f"DELETE FROM {table} WHERE {_conditions(where, qmark)}"  # noqa: S608


@cache
def _upsert_sql(table: str, columns: tuple[str, ...], keys: tuple[str, ...], qmark: bool) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({markers(len(columns), qmark)})"  # noqa: S608
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


@cache
def _select_sql(table: str, columns: tuple[str, ...], where: tuple[str, ...], qmark: bool) -> str:
    return f"SELECT {', '.join(columns)} FROM {table} WHERE {_conditions(where, qmark)}"  # noqa: S608
