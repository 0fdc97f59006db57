"""Operator accounts, login sessions, recovery codes and failed logins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, or_, select, update

from laddnet.adapters.db.tables.accounts import (
    login_failures,
    login_sessions,
    recovery_codes,
    users,
)
from laddnet.domain.accounts.model import Account, LoginKind, LoginSession
from laddnet.domain.accounts.roles import Role
from laddnet.domain.errors import Conflict


def _account(row: Row[Any]) -> Account:
    m = row._mapping
    return Account(
        id=m["id"],
        email=m["email"],
        role=Role(m["role"]),
        sites=None if m["sites"] is None else frozenset(m["sites"]),
        disabled=bool(m["disabled"]),
        password_hash=m["password_hash"],
        totp_secret=m["totp_secret"],
        totp_enabled=bool(m["totp_enabled"]),
        totp_last_step=m["totp_last_step"],
        created_at=m["created_at"],
    )


class SqlUserRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self,
        account: Account,
        *,
        setup_token_hash: str | None,
        setup_expires_at: datetime | None,
    ) -> None:
        if self.by_email(account.email) is not None:
            raise Conflict(f"an account with e-mail {account.email} exists already")
        self._conn.execute(
            insert(users).values(
                id=account.id,
                email=account.email,
                role=account.role.value,
                sites=None if account.sites is None else sorted(account.sites),
                password_hash=account.password_hash,
                setup_token_hash=setup_token_hash,
                setup_expires_at=setup_expires_at,
                disabled=account.disabled,
                totp_secret=None,
                totp_enabled=False,
                totp_last_step=None,
                created_at=account.created_at,
                updated_at=account.created_at,
            )
        )

    def get(self, user_id: str) -> Account | None:
        row = self._conn.execute(select(users).where(users.c.id == user_id)).first()
        return _account(row) if row else None

    def by_email(self, email: str) -> Account | None:
        row = self._conn.execute(select(users).where(users.c.email == email.lower())).first()
        return _account(row) if row else None

    def by_setup_token(self, token_hash: str, now: datetime) -> Account | None:
        row = self._conn.execute(
            select(users).where(
                users.c.setup_token_hash == token_hash, users.c.setup_expires_at > now
            )
        ).first()
        return _account(row) if row else None

    def list(self) -> list[Account]:
        return [_account(r) for r in self._conn.execute(select(users).order_by(users.c.email))]

    def update(self, user_id: str, now: datetime, **values: Any) -> None:
        if "sites" in values and values["sites"] is not None:
            values["sites"] = sorted(values["sites"])
        if "role" in values:
            values["role"] = Role(values["role"]).value
        self._conn.execute(
            update(users).where(users.c.id == user_id).values(updated_at=now, **values)
        )

    def accept_totp_step(self, user_id: str, step: int, now: datetime) -> bool:
        """Record `step` as used unless it (or a later one) was used already: no replay."""
        result = self._conn.execute(
            update(users)
            .where(
                users.c.id == user_id,
                or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
            )
            .values(totp_last_step=step, updated_at=now)
        )
        return result.rowcount == 1


def _session(row: Row[Any]) -> LoginSession:
    m = row._mapping
    return LoginSession(
        id=m["id"],
        user_id=m["user_id"],
        kind=LoginKind(m["kind"]),
        created_at=m["created_at"],
        last_seen_at=m["last_seen_at"],
        second_factor_at=m["second_factor_at"],
        source=m["source"],
        user_agent=m["user_agent"],
        revoked_at=m["revoked_at"],
    )


class SqlLoginSessions:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, session: LoginSession) -> None:
        self._conn.execute(
            insert(login_sessions).values(
                id=session.id,
                user_id=session.user_id,
                kind=session.kind.value,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                second_factor_at=session.second_factor_at,
                source=session.source,
                user_agent=session.user_agent,
                revoked_at=None,
            )
        )

    def get(self, session_id: str) -> LoginSession | None:
        stmt = select(login_sessions).where(login_sessions.c.id == session_id)
        row = self._conn.execute(stmt).first()
        return _session(row) if row else None

    def touch(self, session_id: str, now: datetime) -> None:
        self._set(session_id, last_seen_at=now)

    def second_factor(self, session_id: str, now: datetime) -> None:
        self._set(session_id, second_factor_at=now, last_seen_at=now)

    def revoke(self, session_id: str, now: datetime) -> bool:
        result = self._conn.execute(
            update(login_sessions)
            .where(login_sessions.c.id == session_id, login_sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1

    def revoke_all(self, user_id: str, now: datetime, *, keep: str | None = None) -> int:
        stmt = update(login_sessions).where(
            login_sessions.c.user_id == user_id, login_sessions.c.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(login_sessions.c.id != keep)
        return self._conn.execute(stmt.values(revoked_at=now)).rowcount

    def active(self, user_id: str | None) -> list[LoginSession]:
        stmt = (
            select(login_sessions)
            .where(
                login_sessions.c.revoked_at.is_(None),
                login_sessions.c.kind == LoginKind.SESSION.value,
            )
            .order_by(login_sessions.c.created_at.desc())
        )
        if user_id is not None:
            stmt = stmt.where(login_sessions.c.user_id == user_id)
        return [_session(r) for r in self._conn.execute(stmt)]

    def _set(self, session_id: str, **values: Any) -> None:
        self._conn.execute(
            update(login_sessions).where(login_sessions.c.id == session_id).values(**values)
        )


class SqlRecoveryCodes:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def replace(self, user_id: str, code_hashes: Sequence[str]) -> None:
        self._conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        if code_hashes:
            self._conn.execute(
                insert(recovery_codes),
                [{"user_id": user_id, "code_hash": h, "used_at": None} for h in code_hashes],
            )

    def unused(self, user_id: str) -> list[tuple[int, str]]:
        rows = self._conn.execute(
            select(recovery_codes.c.id, recovery_codes.c.code_hash)
            .where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
            .order_by(recovery_codes.c.id)
        )
        return [(r.id, r.code_hash) for r in rows]

    def use(self, code_id: int, now: datetime) -> bool:
        result = self._conn.execute(
            update(recovery_codes)
            .where(recovery_codes.c.id == code_id, recovery_codes.c.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1


class SqlLoginFailures:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, key: str, now: datetime) -> None:
        self._conn.execute(insert(login_failures).values(key=key[:300], occurred_at=now))

    def since(self, key: str, since: datetime) -> list[datetime]:
        rows = self._conn.execute(
            select(login_failures.c.occurred_at).where(
                login_failures.c.key == key[:300], login_failures.c.occurred_at >= since
            )
        )
        return [r.occurred_at for r in rows]

    def clear(self, key: str) -> None:
        self._conn.execute(delete(login_failures).where(login_failures.c.key == key[:300]))

    def prune(self, before: datetime) -> int:
        stmt = delete(login_failures).where(login_failures.c.occurred_at < before)
        return self._conn.execute(stmt).rowcount
