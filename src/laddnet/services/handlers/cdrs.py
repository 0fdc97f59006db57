"""The CDR issuer: after a session ends (committed), price it with the tariff version it
started with and store its CDR and its ledger posting in one transaction, exactly once.

Sessions that end are queued in the unit of work that ends them (`cdr_queue`); this service
takes them from the queue after commit, off the station's hot path. A crash between the end
and the CDR leaves the session queued; the unique CDR per session and the unique posting per
CDR make every retry, on any node, harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from laddnet.domain.errors import StorageUnavailable, UnknownSession
from laddnet.domain.events import EventType
from laddnet.domain.ids import EvseId, SiteId, StationId
from laddnet.domain.pricing.cdr import Cdr, UnpricedReason
from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.ledger import cdr_entry
from laddnet.domain.pricing.recorded import recorded_usage
from laddnet.domain.sessions.model import ChargingSession, SessionStatus
from laddnet.ports import Clock, Database, UnitOfWork

log = logging.getLogger(__name__)
BATCH = 200
NO_SITE_TIME_ZONE = "UTC"  # a station on no site has no local time


class CdrService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._wake = asyncio.Event()

    def nudge(self) -> None:
        """A session ended: issue its CDR now rather than at the next round."""
        self._wake.set()

    async def issue_pending(self) -> int:
        """Issue the CDRs of queued sessions; returns how many were issued."""
        issued = 0
        while True:
            batch = await self._db.read(lambda uow: uow.cdrs.queued(BATCH))
            for session_id in batch:
                if await self.issue(session_id):
                    issued += 1
            if len(batch) < BATCH:
                return issued

    async def issue(self, session_id: int) -> bool:
        """Issue one session's CDR (and post it) unless it has one; True if it was made now."""
        now = self._clock.now()
        return await self._db.write(lambda uow: issue_in(uow, session_id, now))

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

    async def for_session(self, session_id: int) -> Cdr:
        def read(uow: UnitOfWork) -> Cdr:
            cdr = uow.cdrs.for_session(session_id)
            if cdr is not None:
                return cdr
            session = uow.sessions.get(session_id)
            if session is None:
                raise UnknownSession(f"session {session_id} not found")
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


def issue_in(uow: UnitOfWork, session_id: int, now: datetime) -> bool:
    if uow.cdrs.for_session(session_id) is not None:
        uow.cdrs.dequeue(session_id)
        return False
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
    cdr = build_cdr(uow, session, now)
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


def _unpriceable(uow: UnitOfWork, session: ChargingSession) -> str | None:
    if session.review_required:
        return UnpricedReason.REVIEW
    if session.started_at is None or session.stopped_at is None:
        return UnpricedReason.NO_START
    if uow.tariffs.pinned(session.id) is None:
        return UnpricedReason.NO_TARIFF
    return None


def build_cdr(uow: UnitOfWork, session: ChargingSession, now: datetime) -> Cdr:
    assert session.started_at is not None and session.stopped_at is not None
    pinned = uow.tariffs.pinned(session.id)
    assert pinned is not None
    stored = uow.tariffs.get(*pinned)
    assert stored is not None  # versions are never deleted
    station = uow.stations.get(StationId(session.station_id))
    site_id = station.site_id if station is not None else None
    site = uow.sites.get(SiteId(site_id)) if site_id is not None else None
    zone = site.details.time_zone if site is not None else NO_SITE_TIME_ZONE
    changes, _ = uow.status_history.list(
        StationId(session.station_id),
        since=session.started_at,
        until=session.stopped_at,
        evse_id=EvseId(session.evse_id) if session.evse_id else None,
        limit=10_000,
        offset=0,
    )
    states = [(c.reported_at, c.charging_state) for c in changes if c.charging_state is not None]
    usage = recorded_usage(
        session.started_at,
        session.stopped_at,
        uow.sessions.register_readings(session.id),
        states,
    )
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
