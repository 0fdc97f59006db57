"""The charge detail record: what a finished session cost, line by line, and why (the tariff
version, the usage, the station's signed meter values). Issued once per session, never changed:
data that arrives after it (a late meter value) makes a correcting pair instead, a credit that
reverses the CDR in effect and a re-issue that replaces it (`corrections`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.sessions.signed import SignedReading


class UnpricedReason:
    NO_TARIFF = "no_tariff"  # no tariff applied at the station when the session started
    NO_START = "no_start"  # the session's start is unknown
    REVIEW = "review_required"  # the meter checks flagged it; an operator decides first


class CdrKind:
    ORIGINAL = "original"  # the session's first CDR (seq 0)
    CREDIT = "credit"  # reverses the CDR it corrects: every amount and quantity negated
    REISSUE = "reissue"  # replaces the CDR it corrects, priced with the data known now


@dataclass(frozen=True, slots=True)
class Cdr:
    session_id: int
    station_id: str
    site_id: str | None
    evse_id: int | None
    id_token: str | None
    started_at: datetime
    stopped_at: datetime
    time_zone: str
    tariff_id: str
    tariff_version: int
    priced: PricedSession
    signed_meter_values: tuple[SignedReading, ...]  # as the station sent them
    issued_at: datetime
    id: int | None = None
    seq: int = 0  # the session's CDRs in order: 0 the original
    kind: str = CdrKind.ORIGINAL
    corrects_cdr_id: int | None = None  # credit and re-issue: the CDR they correct

    @property
    def credit(self) -> bool:
        return self.kind == CdrKind.CREDIT

    @property
    def currency(self) -> str:
        return self.priced.currency

    def to_json(self) -> dict[str, Any]:
        p = self.priced
        return {
            "id": self.id,
            "session_id": self.session_id,
            "station_id": self.station_id,
            "site_id": self.site_id,
            "evse_id": self.evse_id,
            "id_token": self.id_token,
            "started_at": self.started_at.isoformat(),
            "stopped_at": self.stopped_at.isoformat(),
            "time_zone": self.time_zone,
            "energy_wh": str(p.energy_wh),
            "charging_seconds": int(p.charging_seconds),
            "parking_seconds": int(p.parking_seconds),
            "tariff_id": self.tariff_id,
            "tariff_version": self.tariff_version,
            "currency": p.currency,
            "lines": [line.to_json() for line in p.lines],
            "vat": [v.to_json() for v in p.vat_lines],
            "total_excl_vat": str(p.total_excl_vat),
            "total_vat": str(p.total_vat),
            "total_incl_vat": str(p.total_incl_vat),
            "signed_meter_values": [s.to_json() for s in self.signed_meter_values],
            "issued_at": self.issued_at.isoformat(),
            "seq": self.seq,
            "kind": self.kind,
            "credit": self.credit,
            "corrects_cdr_id": self.corrects_cdr_id,
        }


def whole_seconds(value: Decimal) -> int:
    """Seconds as the CDR stores them (station timestamps are whole seconds in practice)."""
    return int(value.to_integral_value())
