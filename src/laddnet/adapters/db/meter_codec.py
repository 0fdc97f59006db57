"""Meter values as stored: one row per timestamp, its sampled values as a JSON array.

Each sampled value is an object with OCPP's own names (`measurand`, `value`, `unit`, `phase`,
`location`, `context`; absent ones omitted), the value as exact decimal text, normalized as in
`MeterSample` (Wh, W). The fingerprint is a digest of that text: equal for a re-sent meter value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from laddnet.domain.sessions.meter import is_main_register
from laddnet.domain.sessions.model import MeterSample

FINGERPRINT_CHARS = 32


class EncodedMeterValue:
    __slots__ = ("fingerprint", "register_wh", "sampled_at", "samples")

    def __init__(self, sampled_at: datetime, samples: Sequence[MeterSample]) -> None:
        self.sampled_at = sampled_at
        self.samples = orjson.dumps([_sample(s) for s in samples]).decode()
        self.fingerprint = hashlib.sha256(self.samples.encode()).hexdigest()[:FINGERPRINT_CHARS]
        self.register_wh = next((s.value for s in samples if is_main_register(s)), None)


def encode(samples: Sequence[MeterSample]) -> list[EncodedMeterValue]:
    """Group sampled values by their timestamp, in the order they came."""
    by_time: dict[datetime, list[MeterSample]] = {}
    for sample in samples:
        by_time.setdefault(sample.sampled_at, []).append(sample)
    return [EncodedMeterValue(at, group) for at, group in by_time.items()]


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


def _sample(s: MeterSample) -> dict[str, Any]:
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
