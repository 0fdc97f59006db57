"""The CDR issuer: after a session ends (committed), price it with the tariff version it
started with and store its CDR and its ledger posting in one transaction, exactly once.

Sessions that end are queued in the unit of work that ends them (`cdr_queue`); this service
takes them from the queue after commit, off the station's hot path. A crash between the end
and the CDR leaves the session queued; the unique CDR per session and the unique posting per
CDR make every retry, on any node, harmless.

Data that arrives for a session after its CDR (a late MeterValues, a late TransactionEvent, a
StopTransaction re-sent with more transactionData) queues it again: the issuer prices it anew
and, when the price changed, issues a correcting pair, a credit reversing the CDR in effect and
a re-issue replacing it, each posted to the ledger once (`domain.pricing.corrections`).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from laddnet.domain.errors import StorageUnavailable, UnknownSession
from laddnet.domain.events import EventType
from laddnet.domain.pricing.cdr import Cdr, UnpricedReason
from laddnet.domain.pricing.corrections import correction
from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.ledger import cdr_entry
from laddnet.domain.pricing.recorded import recorded_usage
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.review import (
    ReviewDecision,
    SessionReview,
    corrected_readings,
)
from laddnet.domain.sessions.model import ChargingSession, SessionStatus
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers import costs
from laddnet.services.handlers.reviews import check_decision, review_in

log = logging.getLogger(__name__)
BATCH = 256
CONCURRENCY = 64
NO_SITE_TIME_ZONE = costs.NO_SITE_TIME_ZONE


class CdrService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wake = asyncio.Event()
        self._versions: _Versions = {}

    def nudge(self) -> None:
        """A session ended: issue its CDR now rather than at the next round."""
        self._wake.set()

    async def issue_pending(self) -> int:
        """Issue the CDRs of queued sessions; returns how many were issued."""
        issued = 0
        while True:
            batch = await self._db.read(lambda uow: uow.cdrs.queued(BATCH))
            # Concurrently, so the writer commits many CDRs in one group.
            for start in range(0, len(batch), CONCURRENCY):
                chunk = batch[start : start + CONCURRENCY]
                done = await asyncio.gather(*(self.issue(session_id) for session_id in chunk))
                issued += sum(done)
            if len(batch) < BATCH:
                return issued

    async def issue(self, session_id: int) -> bool:
        """Issue one session's CDR (and post it) unless it has one; True if it was made now."""
        now = self._clock.now()
        return await self._db.write(lambda uow: issue_in(uow, session_id, now, self._versions))

    async def run(self, interval: float) -> None:
        """Every `interval` seconds, or when nudged, issue what is queued."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
            try:
                await self.issue_pending()
            except StorageUnavailable:  # logged; the queue keeps the sessions for the next round
                log.warning("CDRs could not be issued; retrying")

    async def cost_so_far(self, session_id: int) -> tuple[str, int, PricedSession] | None:
        """What a running session costs up to now, with the tariff version it started with
        (its tariff id, version and the priced lines); None when it has no tariff or start."""
        now = self._clock.now()

        def read(uow: UnitOfWork) -> tuple[str, int, PricedSession] | None:
            session = uow.sessions.get(session_id)
            return (
                None if session is None else costs.priced_until(uow, session, now, self._versions)
            )

        return await self._db.read(read)

    async def running_cost(
        self, station_id: str, transaction_ref: str
    ) -> tuple[SessionStatus, Decimal] | None:
        """A 2.0.1 transaction's status and cost up to now incl. VAT (None: no session, no
        tariff or no start), for the CostUpdated a station can show its driver."""
        now = self._clock.now()

        def read(uow: UnitOfWork) -> tuple[SessionStatus, Decimal] | None:
            session = uow.sessions.by_ref(station_id, transaction_ref)
            if session is None:
                return None
            found = costs.priced_until(uow, session, now, self._versions)
            return None if found is None else (session.status, found[2].total_incl_vat)

        return await self._db.read(read)

    async def final_cost(self, station_id: str, transaction_ref: str) -> PricedSession | None:
        """An ended 2.0.1 transaction's price (its CDR's, or priced now if the issuer has not
        reached it yet), for the TransactionEventResponse's totalCost; None if unpriced."""
        now = self._clock.now()

        def read(uow: UnitOfWork) -> PricedSession | None:
            session = uow.sessions.by_ref(station_id, transaction_ref)
            if session is None or session.status is not SessionStatus.COMPLETED:
                return None
            cdr = uow.cdrs.for_session(session.id)
            if cdr is not None:
                return cdr.priced
            if session.review_required:
                return None  # an operator decides first
            found = costs.priced_until(uow, session, now, self._versions)
            return None if found is None else found[2]

        return await self._db.read(read)

    async def review(
        self, session_id: int, decision: ReviewDecision, energy_wh: Decimal | None, actor: str
    ) -> SessionReview:
        """An operator's decision on a flagged session (see `handlers.reviews`)."""
        check_decision(decision, energy_wh)
        now = self._clock.now()
        review = await self._db.write(
            lambda uow: review_in(uow, session_id, decision, energy_wh, actor, now)
        )
        if decision is ReviewDecision.APPROVE:
            self.nudge()
        return review

    async def review_of(self, session_id: int) -> SessionReview | None:
        return await self._db.read(lambda uow: uow.cdrs.review_for(session_id))

    async def for_session(self, session_id: int) -> Cdr:
        def read(uow: UnitOfWork) -> Cdr:
            cdr = uow.cdrs.for_session(session_id)
            if cdr is not None:
                return cdr
            session = uow.sessions.get(session_id)
            if session is None:
                raise UnknownSession(f"session {session_id} not found")
            review = uow.cdrs.review_for(session_id)
            if review is not None and review.decision is ReviewDecision.VOID:
                raise UnknownSession(
                    f"session {session_id} has no CDR: it was voided by {review.decided_by}"
                    f" at {review.decided_at.isoformat()} and is never billed"
                )
            issue = uow.cdrs.issue_for(session_id)
            why = {
                UnpricedReason.NO_TARIFF: "no tariff applied at its station when it started",
                UnpricedReason.NO_START: "its start is unknown",
                UnpricedReason.REVIEW: "it is flagged for review",
            }.get(
                issue or "",
                "it has not ended"
                if session.status is SessionStatus.ACTIVE
                else "it is being priced",
            )
            raise UnknownSession(f"session {session_id} has no CDR: {why}")

        return await self._db.read(read)

    async def history(self, session_id: int) -> builtins.list[Cdr]:
        """Every CDR of the session, oldest first (UnknownSession says why there is none)."""
        found = await self._db.read(lambda uow: uow.cdrs.history(session_id))
        if not found:
            await self.for_session(session_id)  # raises, saying why
        return found

    async def list(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        station_id: str | None = None,
        site_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Cdr], int]:
        return await self._db.read(
            lambda uow: uow.cdrs.list(
                since=since,
                until=until,
                station_id=station_id,
                site_id=site_id,
                limit=limit,
                offset=offset,
            )
        )


# Tariff versions never change: each is read and parsed once per process.
_Versions = costs.Versions


def issue_in(
    uow: UnitOfWork, session_id: int, now: datetime, versions: _Versions | None = None
) -> bool:
    effective = uow.cdrs.for_session(session_id)
    if effective is not None:
        corrected = _correct(uow, effective, now, {} if versions is None else versions)
        uow.cdrs.dequeue(session_id)
        return corrected
    session = uow.sessions.get(session_id)
    if session is None or session.status is not SessionStatus.COMPLETED:
        uow.cdrs.dequeue(session_id)
        return False
    reason = _unpriceable(uow, session)
    if reason is not None:
        if uow.cdrs.note_issue(session_id, session.station_id, reason, now):
            data = {"session_id": session_id, "reason": reason}
            uow.outbox.add(EventType.SESSION_UNPRICED.value, session.station_id, data, now)
        uow.cdrs.dequeue(session_id)
        return False
    cdr = build_cdr(uow, session, now, {} if versions is None else versions)
    cdr_id = uow.cdrs.add(cdr)
    if cdr_id is not None:
        uow.ledger.post(cdr_entry(cdr, cdr_id), now)
        data = {
            "session_id": session_id,
            "cdr_id": cdr_id,
            "currency": cdr.currency,
            "total_incl_vat": str(cdr.priced.total_incl_vat),
        }
        uow.outbox.add(EventType.CDR_ISSUED.value, session.station_id, data, now)
    uow.cdrs.dequeue(session_id)
    return cdr_id is not None


def _correct(uow: UnitOfWork, effective: Cdr, now: datetime, versions: _Versions) -> bool:
    """Price the session again with what is known now; if that changed its price, issue and
    post a credit of the CDR in effect and a re-issue. True if they were made now."""
    session = uow.sessions.get(effective.session_id)
    if session is None or _unpriceable(uow, session) is not None:
        return False  # e.g. flagged by the late data: the CDR stands until an operator decides
    pair = correction(effective, build_cdr(uow, session, now, versions), now)
    if pair is None:
        return False
    credit, reissue = pair
    credit_id = uow.cdrs.add(credit)
    if credit_id is None:
        return False  # corrected already (a retry, another node)
    reissue_id = uow.cdrs.add(reissue)
    assert reissue_id is not None  # its seq follows the credit's, which was free
    uow.ledger.post(cdr_entry(credit, credit_id), now)
    uow.ledger.post(cdr_entry(reissue, reissue_id), now)
    data = {
        "session_id": session.id,
        "corrects_cdr_id": effective.id,
        "credit_cdr_id": credit_id,
        "cdr_id": reissue_id,
        "currency": reissue.currency,
        "total_incl_vat": str(reissue.priced.total_incl_vat),
        "previous_total_incl_vat": str(effective.priced.total_incl_vat),
    }
    uow.outbox.add(EventType.CDR_CORRECTED.value, session.station_id, data, now)
    return True


def _unpriceable(uow: UnitOfWork, session: ChargingSession) -> str | None:
    if session.review_required:
        review = uow.cdrs.review_for(session.id)
        if review is None or review.decision is not ReviewDecision.APPROVE:
            return UnpricedReason.REVIEW
    if session.started_at is None or session.stopped_at is None:
        return UnpricedReason.NO_START
    if uow.tariffs.pinned(session.id) is None:
        return UnpricedReason.NO_TARIFF
    return None


def build_cdr(uow: UnitOfWork, session: ChargingSession, now: datetime, versions: _Versions) -> Cdr:
    assert session.started_at is not None and session.stopped_at is not None
    pinned = uow.tariffs.pinned(session.id)
    assert pinned is not None
    stored = versions.get(pinned)
    if stored is None:
        stored = uow.tariffs.get(*pinned)
        assert stored is not None  # versions are never deleted
        versions[pinned] = stored
    site_id, zone = uow.cdrs.place(session.station_id)
    zone = zone or NO_SITE_TIME_ZONE
    states = uow.cdrs.charging_states(
        session.station_id, session.evse_id, session.started_at, session.stopped_at
    )
    review = uow.cdrs.review_for(session.id) if session.review_required else None
    readings = (
        corrected_readings(session.started_at, session.stopped_at, review.energy_wh)
        if review is not None and review.energy_wh is not None
        else uow.sessions.register_readings(session.id)
    )
    usage = recorded_usage(session.started_at, session.stopped_at, readings, states)
    return Cdr(
        session_id=session.id,
        station_id=session.station_id,
        site_id=site_id,
        evse_id=session.evse_id,
        id_token=session.id_token,
        started_at=session.started_at,
        stopped_at=session.stopped_at,
        time_zone=zone,
        tariff_id=stored.tariff_id,
        tariff_version=stored.version,
        priced=price(stored.tariff, usage, ZoneInfo(zone)),
        signed_meter_values=tuple(uow.cdrs.signed_meter_values(session.id)),
        issued_at=now,
    )
