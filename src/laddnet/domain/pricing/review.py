"""An operator's decision on a session the meter checks flagged for review: approve it (with
the corrected energy if the recorded one is wrong) so it gets its CDR, or void it so it is never
billed. One decision per session, never changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from laddnet.domain.sessions.model import RegisterReading

MAX_ENERGY_WH = Decimal(10_000_000_000)  # 10 GWh: beyond any session


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    VOID = "void"


@dataclass(frozen=True, slots=True)
class SessionReview:
    session_id: int
    decision: ReviewDecision
    energy_wh: Decimal | None  # the corrected energy of an approval; None: as recorded
    decided_by: str
    decided_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "energy_wh": None if self.energy_wh is None else str(self.energy_wh),
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat(),
        }


def corrected_readings(
    started_at: datetime, stopped_at: datetime, energy_wh: Decimal
) -> list[RegisterReading]:
    """The register readings a corrected energy stands for: the recorded readings were judged
    wrong, so the energy is spread evenly over the session (start 0 Wh, stop `energy_wh`)."""
    return [RegisterReading(started_at, Decimal(0)), RegisterReading(stopped_at, energy_wh)]
