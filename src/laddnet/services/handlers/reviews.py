"""An operator's decision on a session flagged for review. Approve puts it back on the CDR
queue (the issuer prices it, with the corrected energy if one was given, and posts it to the
ledger); void records that it is never billed. One decision per session: a second is a
Conflict. Decisions are audited."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from laddnet.domain.errors import Conflict, InvalidInput, UnknownSession
from laddnet.domain.pricing.review import (
    MAX_ENERGY_WH,
    ReviewDecision,
    SessionReview,
)
from laddnet.domain.sessions.model import SessionStatus
from laddnet.ports import UnitOfWork


def check_decision(decision: ReviewDecision, energy_wh: Decimal | None) -> None:
    if energy_wh is None:
        return
    if decision is ReviewDecision.VOID:
        raise InvalidInput("energy_wh: only with decision 'approve' (a void session is not billed)")
    if not energy_wh.is_finite() or not Decimal(0) <= energy_wh <= MAX_ENERGY_WH:
        raise InvalidInput(f"energy_wh: a number of Wh from 0 to {MAX_ENERGY_WH}")


def review_in(
    uow: UnitOfWork,
    session_id: int,
    decision: ReviewDecision,
    energy_wh: Decimal | None,
    actor: str,
    now: datetime,
) -> SessionReview:
    check_decision(decision, energy_wh)
    session = uow.sessions.get(session_id)
    if session is None:
        raise UnknownSession(f"session {session_id} not found")
    earlier = uow.cdrs.review_for(session_id)
    if earlier is not None:
        raise Conflict(
            f"session {session_id} was reviewed already: {earlier.decision.value} by"
            f" {earlier.decided_by} at {earlier.decided_at.isoformat()}"
        )
    if not session.review_required:
        raise Conflict(f"session {session_id} is not flagged for review")
    if session.status is SessionStatus.ACTIVE:
        raise Conflict(f"session {session_id} has not ended; review it when it has")
    if uow.cdrs.has_cdr(session_id):
        raise Conflict(f"session {session_id} has a CDR already")
    review = SessionReview(session_id, decision, energy_wh, actor, now)
    if not uow.cdrs.add_review(review):  # a concurrent decision won
        raise Conflict(f"session {session_id} was reviewed already")
    if decision is ReviewDecision.APPROVE:
        uow.cdrs.enqueue(session_id, now)
    detail = {"station_id": session.station_id, **review.to_json()}
    uow.audit.record(actor, "session.reviewed", "session", str(session_id), detail, now)
    return review
