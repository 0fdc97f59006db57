"""Credential changes of running stations, and the certificate renewals Laddnet asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from laddnet.adapters.db.hot_sql import HotSql
from laddnet.adapters.db.repositories.certificates import _certificate
from laddnet.adapters.db.tables.certificates import station_certificates
from laddnet.adapters.db.tables.credentials import (
    certificate_renewals,
    station_credential_changes,
)
from laddnet.domain.security.certificates import CertificateUse, StationCertificate
from laddnet.domain.security.credentials import (
    ACCEPTS_LOGIN,
    OPEN,
    RESENDABLE,
    ChangeKind,
    ChangeState,
    CredentialChange,
)
from laddnet.domain.security.profiles import SecurityProfile

_T = station_credential_changes
_OPEN_STATES = ", ".join(f"'{s.value}'" for s in OPEN)  # our own constants, not input


def _change(r: Any) -> CredentialChange:
    return CredentialChange(
        id=r.id,
        station_id=r.station_id,
        kind=ChangeKind(r.kind),
        state=ChangeState(r.state),
        requested_by=r.requested_by,
        requested_at=r.requested_at,
        batch=r.batch,
        target_profile=SecurityProfile(r.target_profile) if r.target_profile else None,
        answered_at=r.answered_at,
        connected_at=r.connected_at,
        completed_at=r.completed_at,
        detail=r.detail,
        command_id=r.command_id,
        attempts=r.attempts,
    )


class SqlCredentialChanges:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._hot = HotSql(conn)

    def add(self, change: CredentialChange, password_hash: str | None = None) -> int:
        values = {
            "station_id": change.station_id,
            "kind": change.kind.value,
            "state": change.state.value,
            "batch": change.batch,
            "password_hash": password_hash,
            "target_profile": int(change.target_profile) if change.target_profile else None,
            "requested_by": change.requested_by[:120],
            "requested_at": change.requested_at,
            "detail": change.detail,
            "attempts": change.attempts,
        }
        return int(self._conn.execute(insert(_T).values(values).returning(_T.c.id)).scalar_one())

    def get(self, change_id: int) -> CredentialChange | None:
        row = self._conn.execute(select(_T).where(_T.c.id == change_id)).first()
        return _change(row) if row is not None else None

    def open_of(self, station_id: str, kind: ChangeKind | None) -> list[CredentialChange]:
        """The station's open changes of `kind` (None: of every kind), oldest first."""
        where = [_T.c.station_id == station_id, _T.c.state.in_([s.value for s in OPEN])]
        if kind is not None:
            where.append(_T.c.kind == kind.value)
        rows = self._conn.execute(select(_T).where(*where).order_by(_T.c.id))
        return [_change(r) for r in rows]

    def has_open(self, station_id: str) -> bool:
        """Whether the station has an open change of any kind (every login asks: hot SQL)."""
        where = f"station_id = ? AND state IN ({_OPEN_STATES}) LIMIT 1"
        return bool(self._hot.column(_T, "id", where, [station_id]))

    def claim(self, change_id: int, attempts: int) -> bool:
        """Count one more sending of a change not yet answered and mark it sent, if it was
        sent `attempts` times so far (False: another sender claimed it first)."""
        done = self._conn.execute(
            update(_T)
            .where(
                _T.c.id == change_id,
                _T.c.attempts == attempts,
                _T.c.state.in_([s.value for s in RESENDABLE]),
            )
            .values(attempts=attempts + 1, state=ChangeState.SENT.value)
        )
        return bool(done.rowcount)

    def requeue(self, change_id: int, detail: str) -> None:
        """The sending just claimed did not happen (the station is offline): queued again for
        the station's next connection, that sending not counted."""
        self._conn.execute(
            update(_T)
            .where(_T.c.id == change_id, _T.c.state == ChangeState.SENT.value, _T.c.attempts > 0)
            .values(state=ChangeState.QUEUED.value, attempts=_T.c.attempts - 1, detail=detail)
        )

    def login_hashes(self, station_id: str) -> list[tuple[int, str]]:
        """The new passwords (hashed) that may log the station in beside its stored one."""
        rows = self._conn.execute(
            select(_T.c.id, _T.c.password_hash)
            .where(
                _T.c.station_id == station_id,
                _T.c.kind == ChangeKind.PASSWORD.value,
                _T.c.state.in_([s.value for s in ACCEPTS_LOGIN]),
                _T.c.password_hash.is_not(None),
            )
            .order_by(_T.c.id.desc())
        )
        return [(int(r.id), str(r.password_hash)) for r in rows]

    def password_hash(self, change_id: int) -> str | None:
        return self._conn.execute(
            select(_T.c.password_hash).where(_T.c.id == change_id)
        ).scalar_one_or_none()

    def set_hash(self, change_id: int, password_hash: str, attempt: int) -> bool:
        """Store the hash of the password sent in `attempt`, unless a later attempt began."""
        done = self._conn.execute(
            update(_T)
            .where(_T.c.id == change_id, _T.c.attempts == attempt)
            .values(password_hash=password_hash)
        )
        return bool(done.rowcount)

    def update(
        self,
        change_id: int,
        state: ChangeState,
        *,
        answered_at: datetime | None = None,
        connected_at: datetime | None = None,
        completed_at: datetime | None = None,
        detail: str | None = None,
        command_id: int | None = None,
    ) -> None:
        values: dict[str, Any] = {"state": state.value}
        given = {
            "answered_at": answered_at,
            "connected_at": connected_at,
            "completed_at": completed_at,
            "detail": detail[:255] if detail else None,
            "command_id": command_id,
        }
        values.update({k: v for k, v in given.items() if v is not None})
        if state in (ChangeState.FAILED, ChangeState.SUPERSEDED, ChangeState.COMPLETED):
            values["password_hash"] = None  # no longer a password anyone may log in with
        self._conn.execute(update(_T).where(_T.c.id == change_id).values(values))

    def search(
        self,
        *,
        station_id: str | None,
        batch: str | None,
        kind: ChangeKind | None,
        state: ChangeState | None,
        limit: int,
        offset: int,
    ) -> tuple[list[CredentialChange], int]:
        where = []
        if station_id is not None:
            where.append(_T.c.station_id == station_id)
        if batch is not None:
            where.append(_T.c.batch == batch)
        if kind is not None:
            where.append(_T.c.kind == kind.value)
        if state is not None:
            where.append(_T.c.state == state.value)
        total = self._conn.execute(select(func.count()).select_from(_T).where(*where)).scalar_one()
        rows = self._conn.execute(
            select(_T).where(*where).order_by(_T.c.id.desc()).limit(limit).offset(offset)
        )
        return [_change(r) for r in rows], int(total)

    def counts(self, batch: str) -> dict[str, int]:
        rows = self._conn.execute(
            select(_T.c.state, func.count()).where(_T.c.batch == batch).group_by(_T.c.state)
        )
        return {str(state): int(n) for state, n in rows}

    def expiring(self, before: datetime) -> list[StationCertificate]:
        """Each station's newest station certificate not revoked, if it expires before
        `before`."""
        c = station_certificates
        newest = (
            select(c.c.station_id, func.max(c.c.not_after).label("not_after"))
            .where(c.c.use == CertificateUse.STATION.value, c.c.revoked_at.is_(None))
            .group_by(c.c.station_id)
            .subquery()
        )
        rows = self._conn.execute(
            select(c)
            .join(
                newest,
                (c.c.station_id == newest.c.station_id) & (c.c.not_after == newest.c.not_after),
            )
            .where(
                c.c.use == CertificateUse.STATION.value,
                c.c.not_after < before,
                c.c.revoked_at.is_(None),
            )
            .order_by(c.c.not_after, c.c.id)
        )
        seen: set[str] = set()
        found = []
        for row in rows:
            if row.station_id not in seen:
                seen.add(row.station_id)
                found.append(_certificate(row))
        return found

    def last_renewal(self, certificate_id: int) -> datetime | None:
        r = certificate_renewals
        return self._conn.execute(
            select(func.max(r.c.asked_at)).where(r.c.certificate_id == certificate_id)
        ).scalar_one_or_none()

    def add_renewal(
        self, station_id: str, certificate_id: int, at: datetime, outcome: str, detail: str
    ) -> None:
        values = {
            "station_id": station_id,
            "certificate_id": certificate_id,
            "asked_at": at,
            "outcome": outcome,
            "detail": detail[:255],
        }
        self._conn.execute(insert(certificate_renewals).values(values))
