"""The authorization decision, version-neutral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
