"""The session checks against a hostile or broken station, inside the unit of work that stores
what it sent (rules: domain/sessions/plausibility.py, docs/security.md).

Each check keeps what the station said and flags the session (anomalies, review_required,
incomplete_since); what a station must not be able to do unseen is also a security event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.sessions import plausibility as rules
from laddnet.domain.sessions.commands import RecordTransactionEvent
from laddnet.domain.sessions.model import Anomaly, ChargingSession, MeterSample, SessionStatus
from laddnet.ports import UnitOfWork
from laddnet.services.handlers import session_events as events

DEFAULT_MAX_SKEW = timedelta(minutes=15)
_TIME_ANOMALIES = frozenset({Anomaly.TIME_AHEAD_OF_CLOCK, Anomaly.TIME_BEFORE_REGISTRATION})


def flag(uow: UnitOfWork, session_id: int, anomalies: Iterable[Anomaly]) -> set[Anomaly]:
    """Add anomalies to a session (which then needs review); return the ones it lacked.

    Reads the session again: an earlier step of this unit of work may have changed its flags."""
    wanted = set(anomalies)
    session = uow.sessions.get(session_id) if wanted else None
    if session is None:
        return set()
    added = {a for a in wanted if a.value not in session.anomalies}
    if added:
        merged = sorted({*session.anomalies, *(a.value for a in added)})
        uow.sessions.update(session_id, anomalies=",".join(merged), review_required=True)
    return added


def check_times(
    uow: UnitOfWork,
    station_id: str,
    session_id: int,
    times: Iterable[datetime | None],
    now: datetime,
    max_skew: timedelta,
) -> None:
    """Flag a session whose station times are implausible against our receive time `now`."""
    found: set[Anomaly] = set()
    registered: datetime | None = None
    looked_up = False
    for at in times:
        if at is None:
            continue
        if rules.is_late(at, now, max_skew) and not looked_up:
            registered, looked_up = uow.stations.registered_at(StationId(station_id)), True
        anomaly = rules.time_anomaly(at, now, max_skew, registered)
        if anomaly is not None:
            found.add(anomaly)
    for added in sorted(flag(uow, session_id, found) & _TIME_ANOMALIES):
        detail = f"session {session_id}: a station time is {added.value} (received {now:%FT%TZ})"
        uow.events.security(SecurityEventKind.IMPLAUSIBLE_TIME, station_id, detail, None, now)


def sample_times(samples: Sequence[MeterSample]) -> list[datetime]:
    """The earliest and latest station time of some samples: what `check_times` needs."""
    if not samples:
        return []
    first = last = samples[0].sampled_at
    for sample in samples:
        at = sample.sampled_at
        if at < first:
            first = at
        elif at > last:
            last = at
    return [first, last]


def supersede(uow: UnitOfWork, session_id: int, now: datetime) -> None:
    """One session at a time per connector/EVSE: close the earlier of overlapping sessions at
    the later one's start, flagged `superseded`, with a `session.ended` event."""
    session = uow.sessions.get(session_id)
    if session is None or session.status is not SessionStatus.ACTIVE or session.evse_id is None:
        return
    others = [
        s
        for s in uow.sessions.active_on_evse(session.station_id, session.evse_id)
        if s.id != session_id
    ]
    if not others:
        return
    new = rules.OpenSession(session.id, session.started_at)
    closures = rules.supersede(new, [rules.OpenSession(s.id, s.started_at) for s in others])
    for closure in closures:
        _close_superseded(uow, closure, now)


def _close_superseded(uow: UnitOfWork, closure: rules.Supersession, now: datetime) -> None:
    closed = uow.sessions.get(closure.closed)
    assert closed is not None
    uow.sessions.update(
        closed.id,
        status=SessionStatus.COMPLETED.value,
        stopped_at=closure.at,
        stop_reason=rules.SUPERSEDED_REASON,
        updated_at=now,
    )
    flag(uow, closed.id, [Anomaly.SUPERSEDED])
    events.ended(
        uow,
        closed.station_id,
        closed.id,
        transaction_id=closed.transaction_ref or str(closed.id),
        stopped_at=closure.at,
        stop_reason=rules.SUPERSEDED_REASON,
        meter_stop_wh=None,
        energy_wh=closed.energy_wh,
        now=now,
    )


def check_collision(
    uow: UnitOfWork, station_id: str, session_id: int, transaction_ref: str, now: datetime
) -> None:
    """A new 2.0.1 transaction whose id is that of another station's open session: both stay
    apart (ids are per station), but the new one is flagged and a security event recorded."""
    other = uow.sessions.open_elsewhere(transaction_ref, station_id)
    if other is None:
        return
    flag(uow, session_id, [Anomaly.TRANSACTION_ID_COLLISION])
    detail = (
        f"transactionId {transaction_ref!r} (session {session_id}) is that of an open session"
        f" of station {other!r}"
    )
    uow.events.security(SecurityEventKind.TRANSACTION_ID_COLLISION, station_id, detail, None, now)


def track_sequence(uow: UnitOfWork, session: ChargingSession, seq_no: int, now: datetime) -> None:
    """Mark a 2.0.1 session incomplete while a seqNo below its highest is missing; clear the
    mark when the gap is filled. A session whose wait timed out is not marked again.
    `seq_no` is the event just stored; `session` is as it was before it."""
    if session.incomplete_since is not None:
        if not rules.has_gap(*uow.sessions.sequence(session.id)):
            uow.sessions.update(session.id, incomplete_since=None)
    elif Anomaly.MISSING_EVENTS.value not in session.anomalies and _opens_gap(
        uow, session.id, seq_no
    ):
        uow.sessions.update(session.id, incomplete_since=now)


def _opens_gap(uow: UnitOfWork, session_id: int, seq_no: int) -> bool:
    """Whether storing `seq_no` left a gap in a session's seqNos, which had none before (every
    event stored was tracked, and the session is not marked). Only a new highest one more than
    one above the one before can: told by the two highest seqNos, not by counting all the
    session's events, which grow with it (a jump is counted, to be exact)."""
    top = uow.sessions.highest_seq_nos(session_id, 2)
    if not top or top[0] != seq_no:
        return False  # below the highest: it fills no gap and opens none
    if len(top) == 1:
        return seq_no > 0  # the first event: numbering starts at 0
    if seq_no == top[1] + 1:
        return False
    return rules.has_gap(*uow.sessions.sequence(session_id))


def time_out_gaps(uow: UnitOfWork, now: datetime, timeout: timedelta) -> list[int]:
    """Sessions that waited `timeout` for missing events: no longer incomplete, flagged
    `missing_events` for review instead. Returns their ids."""
    done = []
    for session in uow.sessions.incomplete_before(now - timeout):
        assert session.incomplete_since is not None
        if rules.gap_timed_out(session.incomplete_since, now, timeout):
            uow.sessions.update(session.id, incomplete_since=None)
            flag(uow, session.id, [Anomaly.MISSING_EVENTS])
            done.append(session.id)
    return done


def transaction_event(
    uow: UnitOfWork,
    cmd: RecordTransactionEvent,
    session: ChargingSession,
    created: bool,
    evse_assigned: bool,
    now: datetime,
    max_skew: timedelta,
) -> None:
    """The checks of a fresh 2.0.1 event, after it is stored (`created`: its session is new;
    `evse_assigned`: the event named the session's EVSE for the first time)."""
    times = [cmd.occurred_at, *sample_times(cmd.samples)]
    check_times(uow, cmd.station_id, session.id, times, now, max_skew)
    if created:
        check_collision(uow, cmd.station_id, session.id, cmd.transaction_ref, now)
    if created or evse_assigned:
        supersede(uow, session.id, now)
    track_sequence(uow, session, cmd.seq_no, now)
