"""Operators' decisions on flagged sessions, one per session (part of the CDR repository)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables.reviews import session_reviews
from laddnet.domain.pricing.review import ReviewDecision, SessionReview


class SessionReviewRows:
    _conn: Connection

    def add_review(self, review: SessionReview) -> bool:
        """Record the decision; False if the session has one already (it is never replaced)."""
        stmt = (
            insert_ignoring_duplicates(self._conn, session_reviews)
            .values(
                session_id=review.session_id,
                decision=review.decision.value,
                energy_wh=review.energy_wh,
                decided_by=review.decided_by,
                decided_at=review.decided_at,
            )
            .returning(session_reviews.c.session_id)
        )
        return self._conn.execute(stmt).first() is not None

    def review_for(self, session_id: int) -> SessionReview | None:
        t = session_reviews
        row = self._conn.execute(select(t).where(t.c.session_id == session_id)).first()
        if row is None:
            return None
        m = row._mapping
        return SessionReview(
            session_id=int(m["session_id"]),
            decision=ReviewDecision(m["decision"]),
            energy_wh=m["energy_wh"],
            decided_by=m["decided_by"],
            decided_at=m["decided_at"],
        )
