"""Version-neutral charging-session vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class SessionStatus(StrEnum):
    ACTIVE = "Active"
    COMPLETED = "Completed"


class Anomaly(StrEnum):
    """Why a meter reading was kept out of the billed energy and flagged for review."""

    REGISTER_DECREASED = "register_decreased"
    IMPLAUSIBLE_JUMP = "implausible_jump"
    NEGATIVE_VALUE = "negative_value"
    STOP_BEFORE_START = "stop_before_start"
    UNKNOWN_START = "unknown_start"
    # Flags on the session as a whole (domain/sessions/plausibility.py), not on one reading:
    TIME_AHEAD_OF_CLOCK = "time_ahead_of_clock"  # station time beyond our receive time + skew
    TIME_BEFORE_REGISTRATION = "time_before_registration"  # before the station existed here
    SUPERSEDED = "superseded"  # closed by a newer session on the same connector/EVSE
    TRANSACTION_ID_COLLISION = "transaction_id_collision"  # another station's open session's id
    MISSING_EVENTS = "missing_events"  # 2.0.1 seqNos still missing when the wait timed out


ENERGY_REGISTER = "Energy.Active.Import.Register"


class MeterSample(NamedTuple):
    """One sampled value, normalized: energy in Wh, power in W, other units as sent.

    A named tuple rather than a frozen dataclass: ten of them are made for nearly every OCPP
    message, and a tuple is made in half the time.
    """

    sampled_at: datetime
    measurand: str
    value: Decimal
    unit: str
    phase: str | None = None
    location: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterReading:
    """An energy-register reading in Wh at the station's time."""

    at: datetime
    wh: Decimal


@dataclass(frozen=True, slots=True)
class ChargingSession:
    id: int
    station_id: str
    transaction_ref: str | None
    ocpp_version: str
    evse_id: int | None
    connector_id: int | None
    id_token: str | None
    status: SessionStatus
    started_at: datetime | None
    stopped_at: datetime | None
    stop_reason: str | None
    meter_start_wh: Decimal | None
    meter_stop_wh: Decimal | None
    energy_wh: Decimal
    review_required: bool
    anomalies: tuple[str, ...]
    last_register: RegisterReading | None = None
    # 2.0.1: since when some seqNo below the highest received is missing; None if none is.
    incomplete_since: datetime | None = None

    @property
    def incomplete(self) -> bool:
        """Waiting for missing 2.0.1 transaction events (see `plausibility.sequence_gaps`)."""
        return self.incomplete_since is not None

    def with_energy(
        self, energy_wh: Decimal, last: RegisterReading | None, anomalies: tuple[str, ...]
    ) -> ChargingSession:
        """This session with its billable energy brought up to date (positional: this runs for
        nearly every meter value, and `dataclasses.replace` costs three times as much)."""
        return ChargingSession(
            self.id,
            self.station_id,
            self.transaction_ref,
            self.ocpp_version,
            self.evse_id,
            self.connector_id,
            self.id_token,
            self.status,
            self.started_at,
            self.stopped_at,
            self.stop_reason,
            self.meter_start_wh,
            self.meter_stop_wh,
            energy_wh,
            bool(anomalies),
            anomalies,
            last,
            self.incomplete_since,
        )
