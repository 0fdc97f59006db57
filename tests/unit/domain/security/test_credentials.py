"""Credential changes: when a change is in force, the passwords Laddnet generates, the 1.6
AuthorizationKey encoding, when a certificate is due for renewal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laddnet.domain.security.credentials import (
    ALPHABET,
    ChangeKind,
    ChangeState,
    CredentialChange,
    after_answer,
    after_connect,
    authorization_key,
    generate_password,
    password_for,
    password_of_key,
    renewal_due,
    renewal_retry_due,
    to_resend,
)
from laddnet.domain.stations.registration import check_password, variety_bits

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_accepted_is_only_confirmed_until_the_station_connects_with_it() -> None:
    assert after_answer("Accepted", connected=False) is ChangeState.CONFIRMED
    assert after_answer("RebootRequired", connected=False) is ChangeState.CONFIRMED
    assert after_answer("Accepted", connected=True) is ChangeState.COMPLETED
    assert after_connect(ChangeState.CONFIRMED) is ChangeState.COMPLETED


def test_no_answer_keeps_both_credentials_and_a_refusal_drops_the_new_one() -> None:
    assert after_answer(None, connected=False, no_answer=True) is ChangeState.UNCONFIRMED
    assert after_connect(ChangeState.UNCONFIRMED) is ChangeState.UNCONFIRMED
    assert after_connect(ChangeState.SENT) is ChangeState.SENT
    for status in ("Rejected", "NotSupported", "UnknownVariable", "Partial"):
        assert after_answer(status, connected=True) is ChangeState.FAILED


def test_generated_passwords_are_random_and_pass_the_station_policy() -> None:
    seen = {generate_password(20) for _ in range(50)}
    assert len(seen) == 50
    for password in seen:
        check_password(password)
        assert set(password) <= set(ALPHABET)
        assert variety_bits(password) > 50
    assert len(password_for("1.6")) == 20
    assert len(password_for("2.0.1")) == 32
    with pytest.raises(ValueError, match="length"):
        generate_password(8)


def test_the_authorization_key_is_the_password_in_hex_digits() -> None:
    password = "Ab3dEf7hIj1lMn0pQr5t"
    key = authorization_key(password)
    assert key == password.encode().hex()
    assert len(key) == 40 and all(c in "0123456789abcdef" for c in key)
    assert password_of_key(key) == password


def test_renewal_is_due_within_the_window_and_asked_again_after_the_retry() -> None:
    window = timedelta(days=30)
    assert renewal_due(NOW + timedelta(days=29), NOW, window)
    assert not renewal_due(NOW + timedelta(days=31), NOW, window)
    assert renewal_due(NOW - timedelta(days=1), NOW, window)  # expired already
    day = timedelta(hours=24)
    assert renewal_retry_due(None, NOW, day)
    assert not renewal_retry_due(NOW - timedelta(hours=23), NOW, day)
    assert renewal_retry_due(NOW - timedelta(hours=24), NOW, day)


def _rotation(
    change_id: int, state: ChangeState, kind: ChangeKind = ChangeKind.PASSWORD
) -> CredentialChange:
    return CredentialChange(change_id, "CP-1", kind, state, "user:1", NOW, attempts=1)


@pytest.mark.parametrize("state", [ChangeState.QUEUED, ChangeState.SENT, ChangeState.UNCONFIRMED])
def test_the_newest_unanswered_rotation_is_sent_again(state: ChangeState) -> None:
    older, newest = _rotation(1, ChangeState.UNCONFIRMED), _rotation(2, state)
    upgrade = _rotation(3, ChangeState.SENT, ChangeKind.SECURITY_PROFILE)
    assert to_resend([older, newest, upgrade], None, frozenset()) == newest


def test_a_rotation_answered_used_or_being_sent_is_not_sent_again() -> None:
    unanswered = _rotation(2, ChangeState.UNCONFIRMED)
    confirmed = [_rotation(1, ChangeState.UNCONFIRMED), _rotation(2, ChangeState.CONFIRMED)]
    assert to_resend(confirmed, None, frozenset()) is None  # answered: only the older is not
    assert to_resend([unanswered], 2, frozenset()) is None  # the station logged in with it
    assert to_resend([unanswered], None, frozenset({2})) is None  # being sent right now
    assert to_resend([_rotation(2, ChangeState.FAILED)], None, frozenset()) is None  # refused
    assert to_resend([], None, frozenset()) is None
