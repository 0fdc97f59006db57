"""Logging in: password, then (when enrolled) a second factor; login sessions with idle and
absolute timeouts; failed attempts throttled per account and per source address."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from laddnet.domain.accounts.model import (
    Account,
    LoginKind,
    LoginSession,
    Principal,
    PrincipalKind,
)
from laddnet.domain.accounts.sessions import needs_touch, session_expired
from laddnet.domain.accounts.throttle import MEMORY, locked_until, retry_after
from laddnet.domain.errors import LoginFailed, NotFound, TooManyAttempts
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.accounts import AccountService, token_hash
from laddnet.services.handlers.mfa import MfaService

log = logging.getLogger(__name__)  # ids and addresses only: never an e-mail, code or token
CHALLENGE_TTL = timedelta(minutes=5)
ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Either a session (`token` for the cookie) or, with 2FA on, a challenge to answer."""

    kind: LoginKind
    token: str
    account: Account


class AuthService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        accounts: AccountService,
        mfa: MfaService,
        *,
        idle_timeout: timedelta,
        absolute_timeout: timedelta,
    ) -> None:
        self._db = db
        self._clock = clock
        self._accounts = accounts
        self._mfa = mfa
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout

    # --- login -------------------------------------------------------------------------------

    async def login(
        self, email: str, password: str, source: str | None, user_agent: str | None
    ) -> LoginResult:
        keys = _throttle_keys(email, source)
        await self._check_throttle(keys)
        account = await self._db.read(lambda uow: uow.users.by_email(email.strip().lower()))
        valid = await self._accounts.verify_password(account, password)
        if account is None or not valid or account.disabled:
            await self._failed(keys, account, "auth.login_failed", source, email)
            raise LoginFailed("wrong e-mail or password")
        kind = LoginKind.CHALLENGE if account.totp_enabled else LoginKind.SESSION
        token = await self._start(account, kind, None, source, user_agent, keys[0])
        return LoginResult(kind, token, account)

    async def complete_mfa(
        self, challenge: str, code: str, source: str | None, user_agent: str | None
    ) -> LoginResult:
        now = self._clock.now()
        pending = await self._db.read(lambda uow: uow.login_sessions.get(token_hash(challenge)))
        if (
            pending is None
            or pending.kind is not LoginKind.CHALLENGE
            or pending.revoked_at is not None
            or now - pending.created_at > CHALLENGE_TTL
        ):
            raise LoginFailed("unknown or expired challenge; log in again")
        account = await self._db.read(lambda uow: uow.users.get(pending.user_id))
        if account is None or account.disabled:
            raise LoginFailed("unknown or expired challenge; log in again")
        keys = _throttle_keys(account.email, source)
        await self._check_throttle(keys)
        method = await self._mfa.check(account, code)
        if method is None:
            await self._failed(keys, account, "auth.mfa_failed", source, account.email)
            raise LoginFailed("wrong code")
        await self._db.write(lambda uow: uow.login_sessions.revoke(pending.id, now))
        token = await self._start(account, LoginKind.SESSION, now, source, user_agent, keys[0])
        return LoginResult(LoginKind.SESSION, token, account)

    async def step_up(self, principal: Principal, code: str, source: str | None) -> None:
        """A fresh second factor inside a login session (for actions that need one)."""
        if principal.session_id is None:
            raise LoginFailed("step-up needs a login session")
        account = await self._accounts.get(principal.id)
        keys = _throttle_keys(account.email, source)
        await self._check_throttle(keys)
        if await self._mfa.check(account, code) is None:
            await self._failed(keys, account, "auth.mfa_failed", source, account.email)
            raise LoginFailed("wrong code")
        now = self._clock.now()
        session_id = principal.session_id

        def fresh(uow: UnitOfWork) -> None:
            uow.login_sessions.second_factor(session_id, now)
            uow.audit.record(
                principal.actor, "auth.step_up", "user", principal.id, {}, now, source=source
            )

        await self._db.write(fresh)

    async def _start(
        self,
        account: Account,
        kind: LoginKind,
        second_factor_at: datetime | None,
        source: str | None,
        user_agent: str | None,
        account_key: str,
    ) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        session = LoginSession(
            id=token_hash(token),
            user_id=account.id,
            kind=kind,
            created_at=now,
            last_seen_at=now,
            second_factor_at=second_factor_at,
            source=source,
            user_agent=(user_agent or "")[:200] or None,
            revoked_at=None,
        )

        def start(uow: UnitOfWork) -> None:
            uow.login_sessions.add(session)
            uow.login_failures.clear(account_key)
            if kind is LoginKind.SESSION:
                detail = {"second_factor": second_factor_at is not None}
                uow.audit.record(
                    f"user:{account.id}",
                    "auth.login",
                    "user",
                    account.id,
                    detail,
                    now,
                    source=source,
                )

        await self._db.write(start)
        if kind is LoginKind.SESSION:
            log.info("login of user %s from %s", account.id, source or "an unknown address")
        return token

    async def check_throttle(self, keys: tuple[str, ...]) -> None:
        """429 (TooManyAttempts) while `keys` (see `throttle_keys`) are locked out."""
        await self._check_throttle(keys)

    async def record_failure(
        self, keys: tuple[str, ...], target: str | None, action: str, source: str | None, email: str
    ) -> None:
        """A failed login of someone else than an operator (a driver): counted and audited."""
        await self._failed(keys, None, action, source, email, target=target)

    async def _check_throttle(self, keys: tuple[str, ...]) -> None:
        now = self._clock.now()
        since = now - MEMORY
        for key in keys:
            failures = await self._db.read(_failures_since(key, since))
            wait = retry_after(failures, now)
            if wait is not None:
                raise TooManyAttempts(wait)

    async def _failed(
        self,
        keys: tuple[str, ...],
        account: Account | None,
        action: str,
        source: str | None,
        email: str,
        target: str | None = None,
    ) -> None:
        now = self._clock.now()
        target = account.id if account is not None else target

        def record(uow: UnitOfWork) -> None:
            detail = {"email": email.strip().lower()[:254]}
            uow.audit.record(
                ANONYMOUS, action, "user", target, detail, now, source=source, outcome="failed"
            )
            for key in keys:
                uow.login_failures.add(key, now)
                failures = uow.login_failures.since(key, now - MEMORY)
                until = locked_until(failures)
                if until is not None and until > now:
                    lock = {"key": key.split(":", 1)[0], "until": until.isoformat(), **detail}
                    log.warning("lockout of an %s until %s", key.split(":", 1)[0], until)
                    uow.audit.record(
                        ANONYMOUS,
                        "auth.lockout",
                        "user",
                        target,
                        lock,
                        now,
                        source=source,
                        outcome="locked",
                    )

        await self._db.write(record)
        log.warning("%s from %s", action, source or "an unknown address")

    # --- sessions ----------------------------------------------------------------------------

    async def authenticate(self, token: str) -> Principal | None:
        """The principal of a session cookie's token, or None (unknown, ended, expired)."""
        now = self._clock.now()
        session = await self._db.read(lambda uow: uow.login_sessions.get(token_hash(token)))
        if session is None or session.kind is not LoginKind.SESSION or session.revoked_at:
            return None
        if session_expired(
            session.created_at,
            session.last_seen_at,
            now,
            idle=self.idle_timeout,
            absolute=self.absolute_timeout,
        ):
            return None
        account = await self._db.read(lambda uow: uow.users.get(session.user_id))
        if account is None or account.disabled:
            return None
        if needs_touch(session.last_seen_at, now):
            await self._db.write(lambda uow: uow.login_sessions.touch(session.id, now))
        return Principal(
            kind=PrincipalKind.USER,
            id=account.id,
            role=account.role,
            sites=account.sites,
            session_id=session.id,
            second_factor_at=session.second_factor_at,
            mfa_enrolled=account.totp_enabled,
        )

    async def logout(self, principal: Principal, source: str | None) -> None:
        if principal.session_id is None:
            return
        now = self._clock.now()
        session_id = principal.session_id

        def end(uow: UnitOfWork) -> None:
            uow.login_sessions.revoke(session_id, now)
            uow.audit.record(
                principal.actor, "auth.logout", "user", principal.id, {}, now, source=source
            )

        await self._db.write(end)

    async def sessions(self, user_id: str | None) -> list[LoginSession]:
        """The live login sessions of one account (None: of everyone)."""
        now = self._clock.now()
        listed = await self._db.read(lambda uow: uow.login_sessions.active(user_id))
        return [
            s
            for s in listed
            if not session_expired(
                s.created_at,
                s.last_seen_at,
                now,
                idle=self.idle_timeout,
                absolute=self.absolute_timeout,
            )
        ]

    async def revoke(
        self, session_id: str, principal: Principal, *, any_user: bool, source: str | None
    ) -> None:
        """End a login session: one's own, or anyone's with `any_user` (admins)."""
        now = self._clock.now()

        def end(uow: UnitOfWork) -> None:
            session = uow.login_sessions.get(session_id)
            if session is None or (not any_user and session.user_id != principal.id):
                raise NotFound(f"login session {session_id!r} not found")
            uow.login_sessions.revoke(session_id, now)
            uow.audit.record(
                principal.actor,
                "auth.session_revoked",
                "user",
                session.user_id,
                {"session": session_id[:12]},
                now,
                source=source,
            )

        await self._db.write(end)


def throttle_keys(email: str, source: str | None, realm: str = "account") -> tuple[str, ...]:
    """Failed logins count per e-mail (in its realm: operators' or drivers') and per address."""
    account_key = f"{realm}:" + email.strip().lower()[:254]
    return (account_key, f"address:{source}") if source else (account_key,)


def _throttle_keys(email: str, source: str | None) -> tuple[str, ...]:
    account_key = "account:" + email.strip().lower()[:254]
    return (account_key, f"address:{source}") if source else (account_key,)


def _failures_since(key: str, since: datetime) -> Callable[[UnitOfWork], list[datetime]]:
    return lambda uow: uow.login_failures.since(key, since)
