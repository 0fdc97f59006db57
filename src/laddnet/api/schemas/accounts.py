"""Accounts, logins, two-factor, API keys and the audit log on the wire. Secrets (passwords,
TOTP secrets, keys, recovery codes) appear only in the one answer that hands them out."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.accounts.model import Account, LoginSession
from laddnet.domain.accounts.roles import Role
from laddnet.services.handlers.api_keys import ApiKey

_SITES_DOC = "Site ids the account may see; omitted or null: every site."


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_Body):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class MfaIn(_Body):
    challenge: str = Field(max_length=200, description="The challenge of the login answer.")
    code: str = Field(max_length=32, description="A 6-digit TOTP code or a recovery code.")


class CodeIn(_Body):
    code: str = Field(max_length=32, description="A 6-digit TOTP code or a recovery code.")


class SetupIn(_Body):
    token: str = Field(max_length=200, description="The one-time setup token.")
    password: str = Field(max_length=1024)


class PasswordChangeIn(_Body):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class LoginOut(BaseModel):
    """`status` "ok": logged in (the session cookie is set; send `csrf_token` as the
    X-CSRF-Token header with every change). "mfa_required": answer `challenge` with a code at
    POST /api/v1/auth/mfa. "mfa_enrolment_required": logged in, but the account may only
    enrol two-factor until it has."""

    status: str
    csrf_token: str | None = None
    challenge: str | None = None
    user: UserOut | None = None


class UserOut(BaseModel):
    id: str
    email: str
    role: Role
    sites: list[str] | None
    disabled: bool
    mfa_enabled: bool
    password_set: bool
    created_at: UtcDateTime

    @classmethod
    def from_domain(cls, account: Account) -> UserOut:
        return cls(
            id=account.id,
            email=account.email,
            role=account.role,
            sites=None if account.sites is None else sorted(account.sites),
            disabled=account.disabled,
            mfa_enabled=account.totp_enabled,
            password_set=account.password_hash is not None,
            created_at=account.created_at,
        )


class MeOut(UserOut):
    csrf_token: str | None = Field(None, description="For a login session: the CSRF token.")


class UserCreate(_Body):
    email: str = Field(max_length=254)
    role: Role
    sites: list[str] | None = Field(None, description=_SITES_DOC)
    password: str | None = Field(
        None, max_length=1024, description="Omitted: the answer holds a one-time setup token."
    )


class UserCreated(BaseModel):
    user: UserOut
    setup_token: str | None = Field(None, description="Shown once; the user sets a password.")


class UserUpdate(_Body):
    role: Role | None = None
    sites: list[str] | None = Field(None, description="A new site scope.")
    all_sites: bool = Field(False, description="Lift the site scope (every site).")


class LoginSessionOut(BaseModel):
    id: str
    user_id: str
    created_at: UtcDateTime
    last_seen_at: UtcDateTime
    second_factor_at: UtcDateTime | None
    source: str | None
    user_agent: str | None
    current: bool = False

    @classmethod
    def from_domain(cls, s: LoginSession, current: str | None = None) -> LoginSessionOut:
        return cls(
            id=s.id,
            user_id=s.user_id,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            second_factor_at=s.second_factor_at,
            source=s.source,
            user_agent=s.user_agent,
            current=s.id == current,
        )


class TotpEnrolmentOut(BaseModel):
    secret: str = Field(description="Base32; for authenticator apps that cannot scan.")
    otpauth_uri: str
    qr_svg: str = Field(description="The otpauth URI as a QR code, an SVG document.")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Ten codes, each usable once; shown once.")


class ApiKeyCreate(_Body):
    role: Role
    label: str | None = Field(None, max_length=100)
    sites: list[str] | None = Field(None, description=_SITES_DOC)
    expires_at: AwareDatetime | None = None


class ApiKeyOut(BaseModel):
    id: str
    role: Role
    label: str | None
    sites: list[str] | None
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    created_at: UtcDateTime
    created_by: str | None
    revoked: bool

    @classmethod
    def from_domain(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            role=key.role,
            label=key.label,
            sites=None if key.sites is None else sorted(key.sites),
            expires_at=key.expires_at,
            last_used_at=key.last_used_at,
            created_at=key.created_at,
            created_by=key.created_by,
            revoked=key.revoked,
        )


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself, shown this once.")


class AuditEntryOut(BaseModel):
    id: int
    occurred_at: UtcDateTime
    actor: str
    source: str | None
    action: str
    target_type: str
    target_id: str | None
    outcome: str
    detail: dict[str, Any]
    hash: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> AuditEntryOut:
        return cls(**{k: row[k] for k in cls.model_fields})


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    limit: int
    offset: int
