"""The hot path's own value conversions match what the column types hand the driver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Dialect
from sqlalchemy.dialects import postgresql, sqlite

from laddnet.adapters.db.types import UtcDateTime, WattHours, milliwatt_hours, time_param

MOMENTS = [
    datetime(2026, 11, 26, 3, 4, 5, tzinfo=UTC),
    datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=2))),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
]


DIALECTS: list[Dialect] = [sqlite.dialect(), postgresql.dialect()]  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("moment", MOMENTS)
def test_time_param_equals_the_column_type(dialect: Dialect, moment: datetime) -> None:
    chain = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    expected = chain(moment) if chain else UtcDateTime().process_bind_param(moment, dialect)
    assert time_param(dialect.name)(moment) == expected


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
def test_time_param_refuses_naive_datetimes_like_the_column_type(name: str) -> None:
    with pytest.raises(ValueError, match="naive"):
        time_param(name)(datetime(2026, 11, 26, 3, 4, 5))  # noqa: DTZ001 - the point of the test
    assert time_param(name)(None) is None


@pytest.mark.parametrize("wh", [Decimal(0), Decimal("1234.5675"), Decimal("0.0004"), Decimal(7)])
def test_milliwatt_hours_equals_the_column_type(wh: Decimal) -> None:
    assert milliwatt_hours(wh) == WattHours().process_bind_param(wh, DIALECTS[0])
