"""Column types that keep time aware-UTC and energy exact on every backend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

_MILLI = Decimal(1000)
_NAIVE = "naive datetime refused: store timezone-aware UTC"


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; refuses naive ones; reads back aware UTC (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(_NAIVE)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class WattHours(TypeDecorator[Decimal]):
    """Energy in Wh as an exact Decimal, stored as integer milliwatt-hours."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return milliwatt_hours(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / _MILLI).normalize() + Decimal(0)


def milliwatt_hours(value: Decimal | None) -> int | None:
    """What WattHours stores for `value`: for statements that bypass the type system."""
    return None if value is None else int((value * _MILLI).to_integral_value())


def time_param(dialect_name: str) -> Callable[[datetime | None], object]:
    """What UtcDateTime hands the driver: naive UTC text for SQLite, aware UTC for PostgreSQL.
    A naive datetime is refused here too."""
    return _sqlite_text if dialect_name == "sqlite" else _aware_utc


def _aware_utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError(_NAIVE)
    return at.astimezone(UTC)


def _sqlite_text(at: datetime | None) -> str | None:
    # The text SQLAlchemy's SQLite DATETIME writes ("%Y-%m-%d %H:%M:%S.%f"); isoformat is
    # faster than strftime, and this runs for every stored meter value.
    if at is None:
        return None
    if at.tzinfo is None:
        raise ValueError(_NAIVE)
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
