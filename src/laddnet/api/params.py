"""Parameter types every router shares, so that no value can reach storage out of its range.

Integers are bounded to what a 64-bit column holds and datetimes to what can be expressed in UTC
(`9999-12-31T23:59:59-23:59` is a valid ISO-8601 string whose UTC form is in year 10000). A value
outside is refused with 422 naming the parameter, before any handler runs. Use these for every
id, count and time a client sends, in paths, queries and bodies alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
INT32_MAX = 2**31 - 1  # OCPP integers (evse, connector, reservation ids) are 32-bit


def _representable_in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the range of dates that can be expressed in UTC") from None


# Ids of our own rows: positive, at most a 64-bit column's largest value.
RowId = Annotated[int, Path(ge=1, le=INT64_MAX, description="An id (1 to 2^63-1).")]
# A session's id: the sessions table numbers them in a 32-bit column.
SessionRowId = Annotated[int, Path(ge=1, le=INT32_MAX, description="A session id (1 to 2^31-1).")]
# Any integer stored in a 64-bit column (counts, offsets, event ids).
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
# An aware datetime, converted to UTC; refused if UTC cannot express it.
Instant = Annotated[AwareDatetime, AfterValidator(_representable_in_utc)]
