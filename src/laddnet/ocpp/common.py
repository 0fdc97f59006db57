"""Small wire-format helpers shared by the version packages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from laddnet.domain.errors import InvalidInput
from laddnet.domain.sessions.meter import normalize, parse_decimal
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
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


def meter_sample(
    at: datetime, sampled: dict[str, Any], unit: str | None, multiplier: int = 0
) -> MeterSample | None:
    """One sampledValue as a normalized MeterSample; None if its value is not a number."""
    get = sampled.get
    measurand = get("measurand", ENERGY_REGISTER)
    if unit is None and measurand.startswith("Energy"):
        unit = "Wh"  # both versions' default unit for energy
    try:
        raw = parse_decimal(sampled["value"])
    except InvalidInput:
        return None  # a non-numeric reading cannot be billed or charted
    value, normalized_unit = normalize(raw, unit, multiplier)
    return MeterSample(
        at, measurand, value, normalized_unit, get("phase"), get("location"), get("context")
    )
