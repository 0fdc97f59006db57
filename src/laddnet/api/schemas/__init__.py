"""Response models of the HTTP API, one module per area, and the wire types they share.

Datetimes leave as ISO-8601 in UTC with an explicit `+00:00`; exact decimals leave as JSON numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer


def _utc_iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _exact_number(value: Decimal) -> int | float:
    # A double holds any decimal of up to 15 significant digits, more than a meter reports
    # (stored energy is integer mWh), and JSON encoders print its shortest repr: the same
    # digits, never 0.30000000000000004. Integral values stay ints. A JSON string would be
    # lossless for any Decimal, but clients expect a number here.
    if value == value.to_integral_value():
        return int(value)
    return float(str(value))


UtcDateTime = Annotated[datetime, PlainSerializer(_utc_iso, return_type=str)]
ExactNumber = Annotated[Decimal, PlainSerializer(_exact_number, return_type=int | float)]
