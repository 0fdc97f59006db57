"""The session events a unit of work stores in the outbox alongside its change: published
after commit, so an event exists only if its change does. Energy travels as a decimal string
(Wh), never a float; times as ISO-8601 with offset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from laddnet.domain.events import EventType
from laddnet.domain.sessions.commands import EventType as TxEventType
from laddnet.domain.sessions.commands import RecordTransactionEvent
from laddnet.domain.sessions.meter import is_main_register
from laddnet.domain.sessions.model import ChargingSession, MeterSample
from laddnet.ports import UnitOfWork


def _wh(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def started(
    uow: UnitOfWork,
    station_id: str,
    session_id: int,
    *,
    transaction_id: str,
    evse_id: int | None,
    connector_id: int | None,
    id_token: str | None,
    started_at: datetime | None,
    meter_start_wh: Decimal | None,
    now: datetime,
) -> None:
    data: dict[str, Any] = {
        "session_id": session_id,
        "transaction_id": transaction_id,
        "evse_id": evse_id,
        "connector_id": connector_id,
        "id_token": id_token,
        "started_at": _time(started_at),
        "meter_start_wh": _wh(meter_start_wh),
    }
    uow.outbox.add(EventType.SESSION_STARTED.value, station_id, data, now)


# A station sampling every few seconds would otherwise cost an event per message (the outbox
# insert, the relay's claim, every stream's and webhook's share). Windows of station time make
# the choice stateless and the same when a message is replayed.
UPDATE_EVERY = 10


def same_update_window(previous: datetime, latest: datetime) -> bool:
    """Whether two readings fall into the same UPDATE_EVERY-second window of station time."""
    return int(previous.timestamp()) // UPDATE_EVERY == int(latest.timestamp()) // UPDATE_EVERY


def updated(
    uow: UnitOfWork,
    station_id: str,
    session_id: int,
    *,
    transaction_id: str,
    evse_id: int | None,
    samples: Sequence[MeterSample],
    energy_wh: Decimal,
    now: datetime,
    previous_at: datetime | None = None,
) -> None:
    """New meter values of a running session: at most one event per UPDATE_EVERY seconds of
    the station's time (`previous_at`: its last reading before these)."""
    if not samples:
        return
    latest = max(s.sampled_at for s in samples)
    if previous_at is not None and same_update_window(previous_at, latest):
        return
    registers = [s for s in samples if is_main_register(s)]
    register = max(registers, key=lambda s: s.sampled_at) if registers else None
    data: dict[str, Any] = {
        "session_id": session_id,
        "transaction_id": transaction_id,
        "evse_id": evse_id,
        "energy_wh": str(energy_wh),
        "meter_wh": None if register is None else str(register.value),
        "sampled_at": latest.isoformat(),
    }
    uow.outbox.add(EventType.SESSION_UPDATED.value, station_id, data, now)


def ended(
    uow: UnitOfWork,
    station_id: str,
    session_id: int,
    *,
    transaction_id: str,
    stopped_at: datetime | None,
    stop_reason: str | None,
    meter_stop_wh: Decimal | None,
    energy_wh: Decimal,
    now: datetime,
) -> None:
    data: dict[str, Any] = {
        "session_id": session_id,
        "transaction_id": transaction_id,
        "stopped_at": _time(stopped_at),
        "stop_reason": stop_reason,
        "meter_stop_wh": _wh(meter_stop_wh),
        "energy_wh": str(energy_wh),
    }
    uow.outbox.add(EventType.SESSION_ENDED.value, station_id, data, now)


def transaction_event(
    uow: UnitOfWork,
    session: ChargingSession,
    cmd: RecordTransactionEvent,
    changes: dict[str, object],
    evse: int,
    energy: Decimal,
    now: datetime,
) -> None:
    """A fresh 2.0.1 TransactionEvent: `session.ended` for Ended, `session.updated` for
    Updated with samples."""
    ref = cmd.transaction_ref
    if cmd.event_type is TxEventType.ENDED:
        meter_stop = changes.get("meter_stop_wh")
        ended(
            uow,
            cmd.station_id,
            session.id,
            transaction_id=ref,
            stopped_at=cmd.occurred_at,
            stop_reason=cmd.stopped_reason,
            meter_stop_wh=meter_stop if isinstance(meter_stop, Decimal) else None,
            energy_wh=energy,
            now=now,
        )
    elif cmd.event_type is TxEventType.UPDATED:
        updated(
            uow,
            cmd.station_id,
            session.id,
            transaction_id=ref,
            evse_id=evse or None,
            samples=cmd.samples,
            energy_wh=energy,
            now=now,
            previous_at=session.last_register.at if session.last_register else None,
        )
