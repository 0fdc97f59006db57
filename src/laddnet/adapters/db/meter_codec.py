"""Meter values as stored: one row per station, EVSE and timestamp, its sampled values as JSON.

Each sampled value is an object with OCPP's own names (`measurand`, `value`, `unit`, `phase`,
`location`, `context`; absent ones omitted), the value as exact decimal text, normalized as in
`MeterSample` (Wh, W). A sampled value is identified by its timestamp, measurand, phase, location
and context: the first one stored wins, so a re-sent value, or one repeated in a 1.6
StopTransaction's transactionData, is stored once, while new ones for the same timestamp (a
station that splits its measurands over two messages) join the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from laddnet.domain.sessions.meter import is_main_register
from laddnet.domain.sessions.model import MeterSample

Identity = tuple[str, str | None, str | None, str | None]


class EncodedMeterValue:
    """The sampled values of one timestamp, as a row stores them."""

    __slots__ = ("items", "register_wh", "sampled_at", "text")

    def __init__(self, sampled_at: datetime, samples: Sequence[MeterSample]) -> None:
        self.sampled_at = sampled_at
        self.items = [_item(s) for s in samples]
        self.text = orjson.dumps(self.items).decode()
        # Two readings of the main register at one timestamp (say with and without
        # `location: Outlet`, or two contexts): the higher one, as the incremental energy walk
        # ends on (readings of one timestamp are walked lowest first), so that a full re-walk
        # from stored rows bills the same.
        self.register_wh = max((s.value for s in samples if is_main_register(s)), default=None)


def encode(samples: Sequence[MeterSample]) -> list[EncodedMeterValue]:
    """Group sampled values by timestamp, in the order they came; the first of an identity wins."""
    by_time: dict[datetime, dict[Identity, MeterSample]] = {}
    for s in samples:
        by_time.setdefault(s.sampled_at, {}).setdefault(_identity(s), s)
    return [EncodedMeterValue(at, list(group.values())) for at, group in by_time.items()]


def merge(stored: str, new: EncodedMeterValue) -> tuple[EncodedMeterValue, int] | None:
    """The stored row with the sampled values of `new` it lacks, and how many those are; None
    if it lacks none."""
    existing = decode(new.sampled_at, stored)
    known = {_identity(s) for s in existing}
    added = [s for s in decode(new.sampled_at, new.text) if _identity(s) not in known]
    return (EncodedMeterValue(new.sampled_at, existing + added), len(added)) if added else None


def decode(sampled_at: datetime, text: str) -> list[MeterSample]:
    return [
        MeterSample(
            sampled_at=sampled_at,
            measurand=item["measurand"],
            value=Decimal(item["value"]),
            unit=item.get("unit", ""),
            phase=item.get("phase"),
            location=item.get("location"),
            context=item.get("context"),
        )
        for item in orjson.loads(text)
    ]


def _identity(s: MeterSample) -> Identity:
    return (s.measurand, s.phase, s.location, s.context)


def _item(s: MeterSample) -> dict[str, Any]:
    item: dict[str, Any] = {"measurand": s.measurand, "value": str(s.value)}
    if s.unit:
        item["unit"] = s.unit
    if s.phase is not None:
        item["phase"] = s.phase
    if s.location is not None:
        item["location"] = s.location
    if s.context is not None:
        item["context"] = s.context
    return item
