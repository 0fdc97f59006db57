"""Signed meter values: the evidence a station signs (1.6 `SignedData`, 2.0.1
`signedMeterValue`, e.g. OCMF), kept exactly as sent so a CDR can show what was billed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class SignedReading(NamedTuple):
    sampled_at: datetime
    measurand: str
    context: str  # "" when the station named none
    data: str  # 1.6: the sampled value as sent; 2.0.1: signedMeterData as sent
    signing_method: str | None = None  # 2.0.1 only
    encoding_method: str | None = None
    public_key: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "sampled_at": self.sampled_at.isoformat(),
            "measurand": self.measurand,
            "context": self.context or None,
            "signed_meter_data": self.data,
            "signing_method": self.signing_method,
            "encoding_method": self.encoding_method,
            "public_key": self.public_key,
        }
