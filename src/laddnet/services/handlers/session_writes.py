"""The synchronous bodies of the session handlers; each runs inside one unit of work.

Every write is idempotent on a business key, never a message id. 1.6: a start is identified by
station + connector + idTag + meterStart + timestamp, so a StartTransaction re-sent after a lost
answer gets the same transaction id. 2.0.1: a session is identified by station + transactionId
and each event by its seqNo; events may arrive in any order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from laddnet.domain.authorization.model import AuthorizationDecision, decide
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.pricing.records import customer_group
from laddnet.domain.sessions.commands import (
    EventType,
    RecordMeterValues,
    RecordTransactionEvent,
    StartSession,
    StopSession,
)
from laddnet.domain.sessions.meter import is_main_register
from laddnet.domain.sessions.model import (
    ENERGY_REGISTER,
    Anomaly,
    ChargingSession,
    MeterSample,
    SessionStatus,
)
from laddnet.domain.sessions.plausibility import SUPERSEDED_REASON, start_register_anomaly
from laddnet.domain.stations.history import charging_state_change
from laddnet.domain.stations.model import reduce_charging_state
from laddnet.ports import UnitOfWork
from laddnet.services.handlers import session_checks as checks
from laddnet.services.handlers import session_events as events
from laddnet.services.handlers.session_checks import DEFAULT_MAX_SKEW
from laddnet.services.handlers.session_energy import store_and_count

BEGIN = "Transaction.Begin"
END = "Transaction.End"


def start_key(cmd: StartSession) -> str:
    parts = (
        cmd.station_id,
        str(cmd.connector_id),
        cmd.id_token,
        str(cmd.meter_start_wh),
        cmd.started_at.isoformat(),
    )
    return "|".join(parts)


def start(
    uow: UnitOfWork,
    cmd: StartSession,
    now: datetime,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    token_key: str | None = None,
) -> tuple[int, AuthorizationDecision]:
    token = uow.tokens.find(cmd.id_token, token_key)
    decision = decide(token, now)
    key = start_key(cmd)
    existing = uow.sessions.by_start_key(key)
    if existing is not None:
        return existing.id, decision
    negative = start_register_anomaly(cmd.meter_start_wh)  # billed as 0 until reviewed
    session_id = uow.sessions.create(
        station_id=cmd.station_id,
        start_key=key,
        ocpp_version=cmd.ocpp_version,
        evse_id=cmd.evse_id,
        connector_id=cmd.connector_id,
        id_token=cmd.id_token,
        authorization_status=decision.status.value,
        status=SessionStatus.ACTIVE.value,
        started_at=cmd.started_at,
        meter_start_wh=cmd.meter_start_wh,
        energy_wh=Decimal(0),
        last_register_at=cmd.started_at,
        last_register_wh=cmd.meter_start_wh,
        review_required=negative is not None,
        anomalies=negative.value if negative is not None else "",
        created_at=now,
        updated_at=now,
    )
    group = customer_group(token.customer_group if token else None)
    # The tariff version it is priced with (its customer group's, if one is assigned).
    uow.tariffs.pin(session_id, cmd.station_id, cmd.evse_id, group)
    first = _register_sample(cmd.started_at, cmd.meter_start_wh, BEGIN)
    uow.sessions.add_samples(cmd.station_id, cmd.evse_id, session_id, [first], now)
    events.started(
        uow,
        cmd.station_id,
        session_id,
        transaction_id=str(session_id),
        evse_id=cmd.evse_id,
        connector_id=cmd.connector_id,
        id_token=cmd.id_token,
        started_at=cmd.started_at,
        meter_start_wh=cmd.meter_start_wh,
        now=now,
    )
    checks.check_times(uow, cmd.station_id, session_id, [cmd.started_at], now, max_skew)
    checks.supersede(uow, session_id, now)
    return session_id, decision


def stop(
    uow: UnitOfWork,
    cmd: StopSession,
    now: datetime,
    max_power_w: int,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    token_key: str | None = None,
) -> AuthorizationDecision | None:
    session = uow.sessions.get(cmd.session_id) if cmd.session_id > 0 else None
    if session is not None and session.station_id != cmd.station_id:
        session = None  # another station's id: never touch someone else's session
    if session is None:
        session = uow.sessions.open_session_for_stop(cmd.station_id, cmd.id_token, cmd.stopped_at)
    if session is None:
        session = _orphan_stop(uow, cmd, now)
    last = _register_sample(cmd.stopped_at, cmd.meter_stop_wh, END)
    samples = [*cmd.samples, last]
    # A session closed because a newer one started on its connector takes its real end.
    ending = session.status is SessionStatus.ACTIVE or session.stop_reason == SUPERSEDED_REASON
    if ending:
        uow.sessions.update(
            session.id,
            status=SessionStatus.COMPLETED.value,
            stopped_at=cmd.stopped_at,
            stop_reason=cmd.reason,
            meter_stop_wh=cmd.meter_stop_wh,
            updated_at=now,
        )
    energy = store_and_count(uow, session, session.evse_id or 0, samples, now, max_power_w)
    if cmd.signed:
        uow.cdrs.add_signed(session.id, session.station_id, cmd.signed, now)
    if ending or cmd.samples:  # a re-sent stop's transactionData may correct a CDR
        uow.cdrs.enqueue(session.id, now)  # priced after commit (services/handlers/cdrs.py)
    if ending:  # not for a stop re-sent after a lost answer
        events.ended(
            uow,
            cmd.station_id,
            session.id,
            transaction_id=str(session.id),
            stopped_at=cmd.stopped_at,
            stop_reason=cmd.reason,
            meter_stop_wh=cmd.meter_stop_wh,
            energy_wh=energy,
            now=now,
        )
    times = [cmd.stopped_at, *checks.sample_times(cmd.samples)]
    checks.check_times(uow, cmd.station_id, session.id, times, now, max_skew)
    return decide(uow.tokens.find(cmd.id_token, token_key), now) if cmd.id_token else None


def _orphan_stop(uow: UnitOfWork, cmd: StopSession, now: datetime) -> ChargingSession:
    """A stop for a start we never stored: keep it, flagged, so nothing is lost."""
    session_id = uow.sessions.create(
        station_id=cmd.station_id,
        ocpp_version="1.6",
        id_token=cmd.id_token,
        status=SessionStatus.ACTIVE.value,
        started_at=None,
        energy_wh=Decimal(0),
        review_required=True,
        anomalies=Anomaly.UNKNOWN_START.value,
        created_at=now,
        updated_at=now,
    )
    session = uow.sessions.get(session_id)
    assert session is not None
    return session


def meter_values(
    uow: UnitOfWork,
    cmd: RecordMeterValues,
    now: datetime,
    max_power_w: int,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
) -> bool:
    """Store the values; True if they came after their session ended (it is queued to be
    priced again: a changed price makes a correcting CDR)."""
    session: ChargingSession | None = None
    if cmd.session_id is not None:
        session = uow.sessions.get(cmd.session_id)
    elif cmd.transaction_ref is not None:
        session = uow.sessions.by_ref(cmd.station_id, cmd.transaction_ref)
    if session is not None and session.station_id != cmd.station_id:
        session = None
    if session is None:
        uow.sessions.add_samples(cmd.station_id, cmd.evse_id, None, cmd.samples, now)
        return False
    previous = session.last_register
    energy = store_and_count(uow, session, cmd.evse_id, cmd.samples, now, max_power_w)
    if cmd.signed:
        uow.cdrs.add_signed(session.id, session.station_id, cmd.signed, now)
    events.updated(
        uow,
        session.station_id,
        session.id,
        transaction_id=session.transaction_ref or str(session.id),
        evse_id=cmd.evse_id,
        samples=cmd.samples,
        energy_wh=energy,
        now=now,
        previous_at=previous.at if previous is not None else None,
    )
    # A reading dated far ahead would make any jump up to it look plausible.
    times = checks.sample_times(cmd.samples)
    checks.check_times(uow, cmd.station_id, session.id, times, now, max_skew)
    return requeue_late(uow, session, now)


def requeue_late(uow: UnitOfWork, session: ChargingSession, now: datetime) -> bool:
    """Data for a session that had ended: queue it to be priced again (services/handlers/
    cdrs.py issues a credit and a re-issue if its CDR's price changed). True if queued."""
    if session.status is not SessionStatus.COMPLETED:
        return False
    uow.cdrs.enqueue(session.id, now)
    return True


def transaction_event(
    uow: UnitOfWork,
    cmd: RecordTransactionEvent,
    now: datetime,
    max_power_w: int,
    max_skew: timedelta = DEFAULT_MAX_SKEW,
    token_key: str | None = None,
    late: list[int] | None = None,
) -> AuthorizationDecision | None:
    """Record one event; an event for a session that had ended appends its id to `late`."""
    session = uow.sessions.by_ref(cmd.station_id, cmd.transaction_ref)
    created = session is None
    token = uow.tokens.find(cmd.id_token, token_key) if cmd.id_token else None
    if session is None:
        session_id = uow.sessions.create(
            station_id=cmd.station_id,
            transaction_ref=cmd.transaction_ref,
            ocpp_version=cmd.ocpp_version,
            status=SessionStatus.ACTIVE.value,
            started_at=cmd.occurred_at,
            energy_wh=Decimal(0),
            review_required=False,
            anomalies="",
            created_at=now,
            updated_at=now,
        )
        group = customer_group(token.customer_group if token else None)
        # The tariff version it is priced with (its customer group's, if one is assigned).
        uow.tariffs.pin(session_id, cmd.station_id, cmd.evse_id, group)
        session = uow.sessions.get(session_id)
        assert session is not None
        events.started(
            uow,
            cmd.station_id,
            session_id,
            transaction_id=cmd.transaction_ref,
            evse_id=cmd.evse_id,
            connector_id=cmd.connector_id if cmd.evse_id is None else cmd.connector_id or 1,
            id_token=cmd.id_token,
            started_at=cmd.occurred_at,
            meter_start_wh=None,
            now=now,
        )
    decision = decide(token, now) if cmd.id_token else None
    fresh = uow.sessions.add_transaction_event(
        session.id, cmd.seq_no, cmd.event_type.value, cmd.trigger_reason, cmd.occurred_at, now
    )
    if fresh:
        changes = _event_changes(session, cmd, decision, now)
        if changes.keys() != {"updated_at"}:  # a periodic update changes only the energy
            uow.sessions.update(session.id, **changes)
        if changes.get("status") == SessionStatus.COMPLETED.value:
            uow.cdrs.enqueue(session.id, now)  # priced after commit (services/handlers/cdrs.py)
        evse = cmd.evse_id or session.evse_id or 0
        energy = store_and_count(uow, session, evse, cmd.samples, now, max_power_w)
        if cmd.signed:
            uow.cdrs.add_signed(session.id, session.station_id, cmd.signed, now)
        events.transaction_event(uow, session, cmd, changes, evse, energy, now)
        if cmd.charging_state is not None and evse:
            connector = cmd.connector_id or session.connector_id or 1
            _record_charging_state(uow, cmd, EvseId(evse), ConnectorId(connector), now)
        checks.transaction_event(uow, cmd, session, created, "evse_id" in changes, now, max_skew)
        if requeue_late(uow, session, now) and late is not None:
            late.append(session.id)
    return decision


def _record_charging_state(
    uow: UnitOfWork,
    cmd: RecordTransactionEvent,
    evse: EvseId,
    connector: ConnectorId,
    now: datetime,
) -> None:
    """2.0.1 names the charging state in transaction events: it is the connector's, too."""
    assert cmd.charging_state is not None
    station = StationId(cmd.station_id)
    current = uow.stations.connector_state(station, evse, connector)
    new = reduce_charging_state(current, cmd.charging_state, cmd.occurred_at)
    if new is not None:
        uow.stations.save_connector_state(station, evse, connector, new, now)
        # In the history too: pricing reads when charging stopped (parking) from it.
        uow.status_history.add(charging_state_change(station, evse, connector, new, now))


def _register_sample(at: datetime, wh: Decimal, context: str) -> MeterSample:
    return MeterSample(
        sampled_at=at, measurand=ENERGY_REGISTER, value=wh, unit="Wh", context=context
    )


def _event_changes(
    session: ChargingSession,
    cmd: RecordTransactionEvent,
    decision: AuthorizationDecision | None,
    now: datetime,
) -> dict[str, object]:
    changes: dict[str, object] = {"updated_at": now}
    if session.evse_id is None and cmd.evse_id is not None:
        changes["evse_id"] = cmd.evse_id
        changes["connector_id"] = cmd.connector_id or 1
    if session.id_token is None and cmd.id_token:
        changes["id_token"] = cmd.id_token
        if decision is not None:
            changes["authorization_status"] = decision.status.value
    if session.started_at is None or cmd.occurred_at < session.started_at:
        changes["started_at"] = cmd.occurred_at
    if cmd.event_type is EventType.ENDED:
        changes["status"] = SessionStatus.COMPLETED.value
        changes["stopped_at"] = cmd.occurred_at
        changes["stop_reason"] = cmd.stopped_reason
        registers = [s for s in cmd.samples if is_main_register(s)]
        if registers:
            changes["meter_stop_wh"] = max(registers, key=lambda s: s.sampled_at).value
    return changes
