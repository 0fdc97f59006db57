"""The authorization decision: unknown, blocked, expired, accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.authorization.model import (
    AuthorizationDecision,
    AuthorizationStatus,
    IdToken,
    decide,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def a_token(**overrides: object) -> IdToken:
    fields: dict[str, object] = {"value": "04A2B3C4D5", "group": "fleet-7", "owner": "alice"}
    fields.update(overrides)
    return IdToken(**fields)  # type: ignore[arg-type]


def test_unknown_token_is_invalid_and_carries_nothing() -> None:
    assert decide(None, NOW) == AuthorizationDecision(AuthorizationStatus.INVALID)


def test_blocked_token_is_blocked() -> None:
    decision = decide(a_token(blocked=True), NOW)
    assert decision.status is AuthorizationStatus.BLOCKED
    assert decision.group == "fleet-7"


def test_blocked_beats_expired() -> None:
    token = a_token(blocked=True, expires_at=NOW - timedelta(days=1))
    assert decide(token, NOW).status is AuthorizationStatus.BLOCKED


def test_expired_token_is_expired() -> None:
    expiry = NOW - timedelta(seconds=1)
    decision = decide(a_token(expires_at=expiry), NOW)
    assert decision == AuthorizationDecision(
        AuthorizationStatus.EXPIRED, expires_at=expiry, group="fleet-7"
    )


def test_token_expiring_exactly_now_is_expired() -> None:
    assert decide(a_token(expires_at=NOW), NOW).status is AuthorizationStatus.EXPIRED


def test_token_expiring_just_after_now_is_accepted() -> None:
    expiry = NOW + timedelta(microseconds=1)
    assert decide(a_token(expires_at=expiry), NOW).status is AuthorizationStatus.ACCEPTED


def test_accepted_carries_group_and_expiry() -> None:
    expiry = NOW + timedelta(days=30)
    assert decide(a_token(expires_at=expiry), NOW) == AuthorizationDecision(
        AuthorizationStatus.ACCEPTED, expires_at=expiry, group="fleet-7"
    )


def test_accepted_without_expiry_or_group() -> None:
    assert decide(a_token(group=None), NOW) == AuthorizationDecision(
        AuthorizationStatus.ACCEPTED, expires_at=None, group=None
    )
