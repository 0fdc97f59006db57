"""Drivers' self-service login, with the operators' mechanisms: argon2id passwords under the same
policy (set through a one-time setup token or by an operator), the same throttling and lockout,
the same login sessions (cookie, idle and absolute timeouts) and optional TOTP without replay.

A driver's login session is stored with the user id `drv:<driver id>`: the operators' session
lookup finds no account for it, and a driver's lookup accepts nothing else, so neither kind of
session ever carries the other's permissions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from laddnet.domain.accounts.model import LoginKind, LoginSession
from laddnet.domain.accounts.sessions import needs_touch, session_expired
from laddnet.domain.drivers.model import Driver, UnknownDriver
from laddnet.domain.errors import InvalidInput, LoginFailed
from laddnet.domain.pricing.cdr import Cdr
from laddnet.domain.sessions.model import ChargingSession
from laddnet.ports import Clock, Database, KeyRing, UnitOfWork
from laddnet.services.handlers import driver_tokens as tokens_of
from laddnet.services.handlers.accounts import AccountService, token_hash
from laddnet.services.handlers.auth import CHALLENGE_TTL, AuthService, throttle_keys
from laddnet.services.handlers.driver_totp import DriverTotp
from laddnet.services.handlers.drivers import DriverService

PREFIX = "drv:"  # a driver's login sessions' user id: `drv:<driver id>`
REALM = "driver"  # throttling keys: `driver:<e-mail>`, apart from operators'
OWN_RECORDS = 200  # the newest sessions and CDRs a driver sees of their own


@dataclass(frozen=True, slots=True)
class DriverPrincipal:
    """A driver logged in: who, through which login session."""

    driver_id: str
    session_id: str
    second_factor_at: datetime | None

    @property
    def actor(self) -> str:
        return f"driver:{self.driver_id}"


@dataclass(frozen=True, slots=True)
class DriverLoginResult:
    kind: LoginKind  # SESSION (token is the cookie's) or CHALLENGE (a TOTP code awaited)
    token: str
    driver_id: str
    totp_enabled: bool


class DriverAuthService(DriverTotp):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        accounts: AccountService,
        auth: AuthService,
        drivers: DriverService,
        keys: KeyRing,
    ) -> None:
        self._db = db
        self._clock = clock
        self._accounts = accounts
        self._auth = auth
        self._drivers = drivers
        self._keys = keys

    # --- passwords (set by the driver through a setup token, or by an operator) -------------

    async def issue_setup(self, driver_id: str, *, actor: str, source: str | None) -> str:
        """A one-time token with which the driver sets a password (`POST
        /api/v1/driver-auth/setup`); valid as long as operators' setup links."""
        driver = await self._drivers.get(driver_id)
        if not driver.details.email:
            raise InvalidInput("the driver has no e-mail address to log in with")
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        expires = now + self._accounts.setup_ttl

        def apply(uow: UnitOfWork) -> None:
            uow.driver_logins.put(
                driver_id, now, setup_token_hash=token_hash(token), setup_expires_at=expires
            )
            uow.audit.record(
                actor, "driver.login_setup_issued", "driver", driver_id, {}, now, source=source
            )

        await self._db.write(apply)
        return token

    async def set_password(
        self,
        driver_id: str,
        password: str,
        *,
        actor: str,
        source: str | None,
        reset_totp: bool = False,
    ) -> None:
        """An operator sets the driver's password (their login sessions end); `reset_totp`
        also turns their TOTP off (a driver who lost the authenticator; audited)."""
        driver = await self._drivers.get(driver_id)
        await self._store_password(driver, password, actor, "driver.password_reset", source)
        if reset_totp:
            now = self._clock.now()

            def off(uow: UnitOfWork) -> None:
                uow.driver_logins.put(
                    driver_id, now, totp_enabled=False, totp_secret_enc=None, totp_last_step=None
                )
                uow.audit.record(
                    actor, "driver.mfa_disabled", "driver", driver_id, {}, now, source=source
                )

            await self._db.write(off)

    async def complete_setup(self, token: str, password: str, source: str | None) -> None:
        now = self._clock.now()
        row = await self._db.read(
            lambda uow: uow.driver_logins.by_setup_token(token_hash(token), now)
        )
        if row is None:
            raise LoginFailed("unknown or expired setup token")
        try:
            driver = await self._drivers.get(row["driver_id"])
        except UnknownDriver:
            raise LoginFailed("unknown or expired setup token") from None
        actor = f"driver:{driver.id}"
        await self._store_password(driver, password, actor, "driver.password_set", source)

    async def change_password(
        self, me: DriverPrincipal, old: str, new: str, source: str | None
    ) -> None:
        driver = await self._drivers.get(me.driver_id)
        row = await self._db.read(lambda uow: uow.driver_logins.get(me.driver_id))
        if not await self._accounts.verify_hash(row["password_hash"] if row else None, old):
            raise InvalidInput("the current password is wrong")
        if old == new:
            raise InvalidInput("the new password is the same as the current one")
        await self._store_password(
            driver, new, me.actor, "driver.password_changed", source, keep=me.session_id
        )

    async def _store_password(
        self,
        driver: Driver,
        password: str,
        actor: str,
        action: str,
        source: str | None,
        keep: str | None = None,
    ) -> None:
        self._accounts.check_password(password, driver.details.email or "")
        hashed = await self._accounts.hash_password(password)
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.driver_logins.put(
                driver.id, now, password_hash=hashed, setup_token_hash=None, setup_expires_at=None
            )
            uow.login_sessions.revoke_all(PREFIX + driver.id, now, keep=keep)
            uow.audit.record(actor, action, "driver", driver.id, {}, now, source=source)

        await self._db.write(apply)

    # --- login ------------------------------------------------------------------------------

    async def login(
        self, email: str, password: str, source: str | None, user_agent: str | None
    ) -> DriverLoginResult:
        keys = throttle_keys(email, source, REALM)
        await self._auth.check_throttle(keys)
        driver = await self._drivers.by_email(email)
        row = None
        if driver is not None and driver.erased_at is None:
            row = await self._db.read(lambda uow: uow.driver_logins.get(driver.id))
        hashed = row["password_hash"] if row else None
        if not await self._accounts.verify_hash(hashed, password) or row is None:
            target = driver.id if driver is not None else None
            await self._auth.record_failure(keys, target, "driver.login_failed", source, email)
            raise LoginFailed("wrong e-mail or password")
        kind = LoginKind.CHALLENGE if row["totp_enabled"] else LoginKind.SESSION
        token = await self._start(row["driver_id"], kind, None, source, user_agent, keys[0])
        return DriverLoginResult(kind, token, row["driver_id"], bool(row["totp_enabled"]))

    async def complete_mfa(
        self, challenge: str, code: str, source: str | None, user_agent: str | None
    ) -> DriverLoginResult:
        now = self._clock.now()
        pending = await self._db.read(lambda uow: uow.login_sessions.get(token_hash(challenge)))
        if (
            pending is None
            or not pending.user_id.startswith(PREFIX)
            or pending.kind is not LoginKind.CHALLENGE
            or pending.revoked_at is not None
            or now - pending.created_at > CHALLENGE_TTL
        ):
            raise LoginFailed("unknown or expired challenge; log in again")
        driver_id = pending.user_id.removeprefix(PREFIX)
        driver = await self._drivers.get(driver_id)
        keys = throttle_keys(driver.details.email or driver_id, source, REALM)
        await self._auth.check_throttle(keys)
        if not await self._spend_code(driver_id, code):
            await self._auth.record_failure(
                keys, driver_id, "driver.mfa_failed", source, driver.details.email or ""
            )
            raise LoginFailed("wrong code")
        await self._db.write(lambda uow: uow.login_sessions.revoke(pending.id, now))
        token = await self._start(driver_id, LoginKind.SESSION, now, source, user_agent, keys[0])
        return DriverLoginResult(LoginKind.SESSION, token, driver_id, True)

    async def _start(
        self,
        driver_id: str,
        kind: LoginKind,
        second_factor_at: datetime | None,
        source: str | None,
        user_agent: str | None,
        throttle_key: str,
    ) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        session = LoginSession(
            id=token_hash(token),
            user_id=PREFIX + driver_id,
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
            uow.login_failures.clear(throttle_key)
            if kind is LoginKind.SESSION:
                detail = {"second_factor": second_factor_at is not None}
                uow.audit.record(
                    f"driver:{driver_id}", "driver.login", "driver", driver_id, detail, now,
                    source=source,
                )  # fmt: skip

        await self._db.write(start)
        return token

    async def authenticate(self, token: str) -> DriverPrincipal | None:
        """The driver of a driver's session cookie, or None (unknown, ended, expired, an
        operator's session, or the driver erased)."""
        now = self._clock.now()
        session = await self._db.read(lambda uow: uow.login_sessions.get(token_hash(token)))
        if (
            session is None
            or not session.user_id.startswith(PREFIX)
            or session.kind is not LoginKind.SESSION
            or session.revoked_at is not None
            or session_expired(
                session.created_at,
                session.last_seen_at,
                now,
                idle=self._auth.idle_timeout,
                absolute=self._auth.absolute_timeout,
            )
        ):
            return None
        driver_id = session.user_id.removeprefix(PREFIX)
        row = await self._db.read(lambda uow: uow.drivers.get(driver_id))
        if row is None or row["erased_at"] is not None:
            return None
        if needs_touch(session.last_seen_at, now):
            await self._db.write(lambda uow: uow.login_sessions.touch(session.id, now))
        return DriverPrincipal(driver_id, session.id, session.second_factor_at)

    async def logout(self, me: DriverPrincipal, source: str | None) -> None:
        now = self._clock.now()

        def end(uow: UnitOfWork) -> None:
            uow.login_sessions.revoke(me.session_id, now)
            uow.audit.record(
                me.actor, "driver.logout", "driver", me.driver_id, {}, now, source=source
            )

        await self._db.write(end)

    async def logins(self, me: DriverPrincipal) -> list[LoginSession]:
        """The driver's live login sessions."""
        return await self._auth.sessions(PREFIX + me.driver_id)

    async def end_login(self, me: DriverPrincipal, session_id: str, source: str | None) -> None:
        now = self._clock.now()

        def end(uow: UnitOfWork) -> None:
            session = uow.login_sessions.get(session_id)
            if session is None or session.user_id != PREFIX + me.driver_id:
                raise UnknownDriverSession(f"login session {session_id!r} not found")
            uow.login_sessions.revoke(session_id, now)
            uow.audit.record(
                me.actor, "driver.session_revoked", "driver", me.driver_id,
                {"session": session_id[:12]}, now, source=source,
            )  # fmt: skip

        await self._db.write(end)

    # --- one's own data ---------------------------------------------------------------------

    async def my_tokens(self, me: DriverPrincipal) -> list[str]:
        """The driver's id tokens in clear (as stations present them)."""
        rows = await self._db.read(lambda uow: uow.tokens.for_driver(me.driver_id))
        cipher = await tokens_of.cipher_for(self._keys, rows)
        return [tokens_of.opened(cipher, r).value for r in rows]

    async def my_sessions(self, me: DriverPrincipal) -> list[ChargingSession]:
        tokens = await self.my_tokens(me)
        return await self._db.read(lambda uow: uow.driver_logins.sessions_of(tokens, OWN_RECORDS))

    async def my_cdrs(self, me: DriverPrincipal) -> list[Cdr]:
        tokens = await self.my_tokens(me)
        return await self._db.read(lambda uow: uow.driver_logins.cdrs_of(tokens, OWN_RECORDS))


class UnknownDriverSession(UnknownDriver):
    """A login session that is not the driver's own answers 404, like any unknown object."""
