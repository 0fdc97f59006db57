"""The authorization decision, version-neutral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_token(value: str) -> str:
    """The form an id token is stored, indexed and matched in: id tokens are case-insensitive
    (OCPP 1.6 errata: idTag is a CiString20Type; 2.0.1 IdTokenType: "IdToken is case
    insensitive"), and a CiString is ASCII, so only A-Z fold (to a-z); anything else stays."""
    return value.translate(_ASCII_LOWER)


def same_token(a: str | None, b: str | None) -> bool:
    """Whether two presented id tokens are the same token (case-insensitively)."""
    return a is not None and b is not None and fold_token(a) == fold_token(b)


class AuthorizationStatus(StrEnum):
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"


@dataclass(frozen=True, slots=True)
class IdToken:
    value: str
    blocked: bool = False
    expires_at: datetime | None = None
    group: str | None = None
    owner: str | None = None
    customer_group: str | None = None  # prices its sessions (domain.pricing.records)


@dataclass(frozen=True, slots=True)
class AuthorizationDecision:
    status: AuthorizationStatus
    expires_at: datetime | None = None
    group: str | None = None


def decide(token: IdToken | None, now: datetime) -> AuthorizationDecision:
    """Unknown tokens are Invalid; blocked beats expired; otherwise Accepted."""
    if token is None:
        return AuthorizationDecision(AuthorizationStatus.INVALID)
    if token.blocked:
        return AuthorizationDecision(AuthorizationStatus.BLOCKED, group=token.group)
    if token.expires_at is not None and token.expires_at <= now:
        return AuthorizationDecision(
            AuthorizationStatus.EXPIRED, expires_at=token.expires_at, group=token.group
        )
    return AuthorizationDecision(
        AuthorizationStatus.ACCEPTED, expires_at=token.expires_at, group=token.group
    )
