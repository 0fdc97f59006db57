"""Operator accounts and who is making a request (an account's login session or an API key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from laddnet.domain.accounts.roles import Permission, Role, allows

# A second factor given this recently counts as fresh for a step-up action.
STEP_UP_WINDOW = timedelta(minutes=5)


class PrincipalKind(StrEnum):
    USER = "user"
    API_KEY = "apikey"
    CLI = "cli"


@dataclass(frozen=True, slots=True)
class Account:
    """An operator account as stored; the hashes and the TOTP secret never leave the services."""

    id: str
    email: str
    role: Role
    sites: frozenset[str] | None  # None: every site
    disabled: bool
    password_hash: str | None  # None until the one-time setup link is used
    totp_secret: str | None  # set at enrolment
    totp_enabled: bool  # once a code confirmed the enrolment
    totp_last_step: int | None  # the TOTP time step of the last accepted code
    created_at: datetime


class LoginKind(StrEnum):
    SESSION = "session"
    CHALLENGE = "challenge"  # password accepted, second factor awaited


@dataclass(frozen=True, slots=True)
class LoginSession:
    id: str  # SHA-256 of the cookie's token
    user_id: str
    kind: LoginKind
    created_at: datetime
    last_seen_at: datetime
    second_factor_at: datetime | None
    source: str | None
    user_agent: str | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: an account (through its login session) or an API key.

    `sites` is the site scope (None: every site). `session_id` and `second_factor_at` are a
    login session's; `mfa_enrolled` is False for an account that still has to enrol two-factor
    (it may then only enrol).
    """

    kind: PrincipalKind
    id: str
    role: Role
    sites: frozenset[str] | None = None
    session_id: str | None = None
    second_factor_at: datetime | None = None
    mfa_enrolled: bool = True

    @property
    def actor(self) -> str:
        """Who made a change, as the audit log and the command log record it."""
        return f"{self.kind.value}:{self.id}"

    @property
    def key_id(self) -> str:
        """The API key's id (kept for callers written when only keys existed)."""
        return self.id

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def sees_site(self, site_id: str | None) -> bool:
        """Whether an object of `site_id` (None: no site) is inside this principal's scope."""
        return self.sites is None or (site_id is not None and site_id in self.sites)

    def fresh_second_factor(self, now: datetime) -> bool:
        if self.kind is not PrincipalKind.USER:
            return True  # API keys carry no second factor; the route's permission decides
        return self.second_factor_at is not None and now - self.second_factor_at <= STEP_UP_WINDOW
