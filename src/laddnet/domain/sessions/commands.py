"""Commands about charging sessions, version-neutral (translated from 1.6 and 2.0.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from laddnet.domain.ids import StationId
from laddnet.domain.sessions.model import MeterSample
from laddnet.domain.sessions.signed import SignedReading
from laddnet.domain.stations.model import ChargingState


class EventType(StrEnum):
    STARTED = "Started"
    UPDATED = "Updated"
    ENDED = "Ended"


@dataclass(frozen=True, slots=True)
class StartSession:
    """1.6 StartTransaction: the station asks us for a transaction id."""

    station_id: StationId
    evse_id: int
    connector_id: int
    id_token: str
    meter_start_wh: Decimal
    started_at: datetime
    ocpp_version: str


@dataclass(frozen=True, slots=True)
class StopSession:
    """1.6 StopTransaction. `session_id` is the station's transactionId (maybe -1 or unknown)."""

    station_id: StationId
    session_id: int
    id_token: str | None
    meter_stop_wh: Decimal
    stopped_at: datetime
    reason: str | None
    samples: tuple[MeterSample, ...] = ()
    signed: tuple[SignedReading, ...] = ()  # signed meter values, as sent


@dataclass(frozen=True, slots=True)
class RecordMeterValues:
    station_id: StationId
    evse_id: int
    session_id: int | None
    transaction_ref: str | None
    samples: tuple[MeterSample, ...]
    signed: tuple[SignedReading, ...] = ()  # signed meter values, as sent


@dataclass(frozen=True, slots=True)
class RecordTransactionEvent:
    """2.0.1 TransactionEvent: the station names the transaction, we store each seqNo once."""

    station_id: StationId
    transaction_ref: str
    seq_no: int
    event_type: EventType
    trigger_reason: str | None
    occurred_at: datetime
    evse_id: int | None
    connector_id: int | None
    id_token: str | None
    stopped_reason: str | None
    ocpp_version: str
    samples: tuple[MeterSample, ...] = field(default=())
    charging_state: ChargingState | None = None
    signed: tuple[SignedReading, ...] = ()  # signed meter values, as sent
