"""An exact money column: a Decimal stored as an integer number of ten-thousandths, so no
backend ever holds an amount as a binary float (SQLite's NUMERIC would)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect
from sqlalchemy.types import TypeDecorator

SCALE = 4
_FACTOR = Decimal(10) ** SCALE


class Amount(TypeDecorator[Decimal]):
    """Money as an exact Decimal with at most four decimals (amounts are rounded to the
    currency's minor unit before they are stored); stored as a BIGINT of 1/10 000 units."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("an amount must be a Decimal")
        scaled = value * _FACTOR
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {value} has more than {SCALE} decimals")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-SCALE)
