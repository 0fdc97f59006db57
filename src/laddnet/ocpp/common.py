"""Small wire-format helpers shared by the version packages."""

from __future__ import annotations

from datetime import UTC, datetime

from laddnet.ocpp.errors import ErrorKind, OcppError


def parse_time(text: str) -> datetime:
    """An OCPP timestamp as an aware UTC datetime; a timestamp without offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise OcppError(
            ErrorKind.PROPERTY_CONSTRAINT, f"not an ISO 8601 time: {text[:40]!r}"
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise OcppError(
            ErrorKind.PROPERTY_CONSTRAINT, f"time out of range: {text[:40]!r}"
        ) from None


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
