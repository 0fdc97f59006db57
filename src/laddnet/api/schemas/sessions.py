"""Charging-session responses and their meter samples."""

from __future__ import annotations

from pydantic import BaseModel, Field

from laddnet.api.schemas import ExactNumber, UtcDateTime
from laddnet.api.schemas.reviews import ReviewOut
from laddnet.domain.sessions.model import ChargingSession, MeterSample, SessionStatus


class CostSoFar(BaseModel):
    """A running session's cost up to now, with the tariff version it started with."""

    tariff_id: str
    tariff_version: int
    currency: str
    total_excl_vat: str = Field(description='An exact decimal string, e.g. "12.50".')
    total_vat: str = Field(description='An exact decimal string, e.g. "3.13".')
    total_incl_vat: str = Field(description='An exact decimal string, e.g. "15.63".')


class SessionOut(BaseModel):
    id: int
    transaction_id: str = Field(
        description="The id the station knows the session by: its 2.0.1 transactionId, "
        "or for 1.6 the transactionId we assigned (this session's id)."
    )
    station_id: str
    ocpp_version: str
    evse_id: int | None
    connector_id: int | None
    id_token: str | None
    status: SessionStatus
    started_at: UtcDateTime | None = Field(description="Station time; None if never reported.")
    stopped_at: UtcDateTime | None
    stop_reason: str | None
    meter_start_wh: ExactNumber | None
    meter_stop_wh: ExactNumber | None
    energy_wh: ExactNumber = Field(description="Billable energy in Wh, exact.")
    review_required: bool = Field(
        description="A person must review it before it is billed; see anomalies."
    )
    anomalies: list[str] = Field(
        description="Why: a reading not billed (negative_value, register_decreased, ...) or a"
        " flag on the session (time_ahead_of_clock, time_before_registration, superseded,"
        " transaction_id_collision, missing_events); see docs/security.md."
    )
    incomplete: bool = Field(
        False,
        description="2.0.1: some TransactionEvents (seqNos) are missing; waiting for them until"
        " LADDNET_SEQUENCE_GAP_TIMEOUT, then flagged missing_events.",
    )
    incomplete_since: UtcDateTime | None = Field(None, description="Receive time of the gap.")
    cost_so_far: CostSoFar | None = Field(
        None,
        description="GET /sessions/{id} of a running session with a tariff: what it costs up "
        "to now. An ended session's price is its CDR (GET /sessions/{id}/cdr).",
    )
    review: ReviewOut | None = Field(
        None,
        description="GET /sessions/{id} of a session flagged for review: the operator's"
        " decision (POST /sessions/{id}/review), None until made.",
    )

    @classmethod
    def from_domain(cls, session: ChargingSession) -> SessionOut:
        return cls(
            id=session.id,
            transaction_id=session.transaction_ref
            if session.transaction_ref is not None
            else str(session.id),
            station_id=session.station_id,
            ocpp_version=session.ocpp_version,
            evse_id=session.evse_id,
            connector_id=session.connector_id,
            id_token=session.id_token,
            status=session.status,
            started_at=session.started_at,
            stopped_at=session.stopped_at,
            stop_reason=session.stop_reason,
            meter_start_wh=session.meter_start_wh,
            meter_stop_wh=session.meter_stop_wh,
            energy_wh=session.energy_wh,
            review_required=session.review_required,
            anomalies=list(session.anomalies),
            incomplete=session.incomplete,
            incomplete_since=session.incomplete_since,
        )


class SessionPage(BaseModel):
    items: list[SessionOut]
    total: int = Field(description="Sessions matching the filters, in all pages.")
    limit: int
    offset: int


class MeterSampleOut(BaseModel):
    sampled_at: UtcDateTime
    measurand: str
    value: ExactNumber = Field(description="Energy in Wh, power in W, other units as sent.")
    unit: str
    phase: str | None
    location: str | None
    context: str | None

    @classmethod
    def from_domain(cls, sample: MeterSample) -> MeterSampleOut:
        return cls(
            sampled_at=sample.sampled_at,
            measurand=sample.measurand,
            value=sample.value,
            unit=sample.unit,
            phase=sample.phase,
            location=sample.location,
            context=sample.context,
        )
