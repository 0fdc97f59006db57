"""Operator accounts: add (with a password or a one-time setup link), list, change role and
site scope, disable, set and change passwords. Every change is audited, never with a secret."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Collection, Container
from dataclasses import replace
from datetime import timedelta

from laddnet.domain.accounts.model import Account
from laddnet.domain.accounts.passwords import password_problem
from laddnet.domain.accounts.roles import Role, parse_role
from laddnet.domain.errors import InvalidInput, LoginFailed, NotFound
from laddnet.domain.ids import SiteId
from laddnet.ports import Clock, Database, PasswordHasher, UnitOfWork

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class UnknownAccount(NotFound):
    pass


def token_hash(token: str) -> str:
    """What is stored of a random token (setup link, session): its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalized_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput(f"not an e-mail address: {email!r}")
    return email


class AccountService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        hasher: PasswordHasher,
        common_passwords: Container[str],
        setup_ttl: timedelta = timedelta(hours=72),
    ) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher
        self._common = common_passwords
        self._setup_ttl = setup_ttl

    def check_password(self, password: str, email: str = "") -> None:
        problem = password_problem(password, self._common, email)
        if problem is not None:
            raise InvalidInput(problem)

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify_password(self, account: Account | None, password: str) -> bool:
        """Whether `password` is `account`'s; with no account (or no password yet) a dummy
        hash is checked all the same, so the answer takes as long either way."""
        hashed = account.password_hash if account is not None else None
        ok = await asyncio.to_thread(self._hasher.verify, hashed or await self._dummy(), password)
        return ok and hashed is not None

    async def verify_hash(self, hashed: str | None, password: str) -> bool:
        """`verify_password` for a hash kept elsewhere (a driver's login); the same timing."""
        ok = await asyncio.to_thread(self._hasher.verify, hashed or await self._dummy(), password)
        return ok and hashed is not None

    @property
    def setup_ttl(self) -> timedelta:
        return self._setup_ttl

    async def _dummy(self) -> str:
        if not hasattr(self, "_dummy_hash"):
            self._dummy_hash = await asyncio.to_thread(self._hasher.hash, secrets.token_hex(16))
        return self._dummy_hash

    async def add_user(
        self,
        email: str,
        role: str,
        sites: Collection[str] | None,
        password: str | None,
        *,
        actor: str,
        source: str | None = None,
    ) -> tuple[Account, str | None]:
        """The new account and, without a password, its one-time setup token (shown once)."""
        email = normalized_email(email)
        parsed = _role(role)
        scope = _scope(sites)
        setup_token = None if password is not None else secrets.token_urlsafe(32)
        if password is not None:
            self.check_password(password, email)
            hashed: str | None = await self.hash_password(password)
        else:
            hashed = None
        now = self._clock.now()
        account = Account(
            id="u" + secrets.token_hex(8),
            email=email,
            role=parsed,
            sites=scope,
            disabled=False,
            password_hash=hashed,
            totp_secret=None,
            totp_enabled=False,
            totp_last_step=None,
            created_at=now,
        )

        def add(uow: UnitOfWork) -> None:
            _check_sites(uow, scope)
            uow.users.add(
                account,
                setup_token_hash=token_hash(setup_token) if setup_token else None,
                setup_expires_at=now + self._setup_ttl if setup_token else None,
            )
            detail = {"email": email, "role": parsed.value, "sites": _list(scope)}
            uow.audit.record(actor, "user.created", "user", account.id, detail, now, source=source)

        await self._db.write(add)
        return account, setup_token

    async def list_users(self) -> list[Account]:
        return await self._db.read(lambda uow: uow.users.list())

    async def get(self, user_id: str) -> Account:
        account = await self._db.read(lambda uow: uow.users.get(user_id))
        if account is None:
            raise UnknownAccount(f"account {user_id!r} not found")
        return account

    async def find(self, id_or_email: str) -> Account:
        """By id, or by e-mail if it holds an @."""
        if "@" not in id_or_email:
            return await self.get(id_or_email)
        email = id_or_email.strip().lower()
        account = await self._db.read(lambda uow: uow.users.by_email(email))
        if account is None:
            raise UnknownAccount(f"no account with e-mail {email}")
        return account

    async def update_user(
        self,
        user_id: str,
        *,
        role: str | None = None,
        sites: Collection[str] | None = None,
        all_sites: bool = False,
        actor: str,
        source: str | None = None,
    ) -> Account:
        """Change the role and/or the site scope (`all_sites` lifts the scope)."""
        new_role = _role(role) if role is not None else None
        scope_changes = all_sites or sites is not None
        new_scope = None if all_sites or sites is None else _scope(sites)
        if new_role is None and not scope_changes:
            raise InvalidInput("nothing to change: give role, sites or all_sites")
        now = self._clock.now()

        def update(uow: UnitOfWork) -> Account:
            account = uow.users.get(user_id)
            if account is None:
                raise UnknownAccount(f"account {user_id!r} not found")
            changed = replace(
                account,
                role=new_role or account.role,
                sites=new_scope if scope_changes else account.sites,
            )
            detail: dict[str, object] = {}
            if new_role is not None:
                detail["role"] = new_role.value
            if scope_changes:
                _check_sites(uow, new_scope)
                detail["sites"] = _list(new_scope)
            uow.users.update(user_id, now, role=changed.role, sites=changed.sites)
            uow.audit.record(actor, "user.updated", "user", user_id, detail, now, source=source)
            return changed

        return await self._db.write(update)

    async def set_disabled(
        self, user_id: str, disabled: bool, *, actor: str, source: str | None = None
    ) -> None:
        """Disable (every login session ends at once) or enable an account."""
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            if uow.users.get(user_id) is None:
                raise UnknownAccount(f"account {user_id!r} not found")
            uow.users.update(user_id, now, disabled=disabled)
            if disabled:
                uow.login_sessions.revoke_all(user_id, now)
            action = "user.disabled" if disabled else "user.enabled"
            uow.audit.record(actor, action, "user", user_id, {}, now, source=source)

        await self._db.write(apply)

    async def complete_setup(self, token: str, password: str, source: str | None) -> Account:
        """Set the first password through the one-time setup token (then spent)."""
        now = self._clock.now()
        account = await self._db.read(lambda uow: uow.users.by_setup_token(token_hash(token), now))
        if account is None or account.disabled:
            raise LoginFailed("unknown or expired setup token")
        self.check_password(password, account.email)
        hashed = await self.hash_password(password)

        def apply(uow: UnitOfWork) -> None:
            uow.users.update(
                account.id, now, password_hash=hashed, setup_token_hash=None, setup_expires_at=None
            )
            uow.audit.record(
                f"user:{account.id}",
                "user.password_set",
                "user",
                account.id,
                {},
                now,
                source=source,
            )

        await self._db.write(apply)
        return account

    async def reset_password(
        self, user_id: str, password: str, *, actor: str, source: str | None = None
    ) -> None:
        """An administrator sets a new password (every login session of the account ends)."""
        account = await self.get(user_id)
        self.check_password(password, account.email)
        hashed = await self.hash_password(password)
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.users.update(user_id, now, password_hash=hashed)
            uow.login_sessions.revoke_all(user_id, now)
            uow.audit.record(actor, "user.password_reset", "user", user_id, {}, now, source=source)

        await self._db.write(apply)

    async def change_password(
        self, user_id: str, old: str, new: str, *, session_id: str | None, source: str | None
    ) -> None:
        """Change one's own password, proven with the old one; other login sessions end."""
        account = await self.get(user_id)
        if not await self.verify_password(account, old):
            raise InvalidInput("the current password is wrong")
        if old == new:
            raise InvalidInput("the new password is the same as the current one")
        self.check_password(new, account.email)
        hashed = await self.hash_password(new)
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            uow.users.update(user_id, now, password_hash=hashed)
            uow.login_sessions.revoke_all(user_id, now, keep=session_id)
            uow.audit.record(
                f"user:{user_id}",
                "user.password_changed",
                "user",
                user_id,
                {},
                now,
                source=source,
            )

        await self._db.write(apply)


def _role(role: str) -> Role:
    try:
        return parse_role(role)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _scope(sites: Collection[str] | None) -> frozenset[str] | None:
    if sites is None:
        return None
    scope = frozenset(s.strip() for s in sites if s.strip())
    if not scope:
        raise InvalidInput("a site scope names at least one site (or none for every site)")
    return scope


def _check_sites(uow: UnitOfWork, scope: frozenset[str] | None) -> None:
    for site in sorted(scope or ()):
        if not uow.sites.exists(SiteId(site)):
            raise InvalidInput(f"site {site!r} does not exist")


def _list(scope: frozenset[str] | None) -> list[str] | None:
    return None if scope is None else sorted(scope)
