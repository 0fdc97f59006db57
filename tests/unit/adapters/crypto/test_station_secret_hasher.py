"""The station-secret hasher (ADR 0009): argon2id for chosen secrets, a salted HMAC-SHA256 for
drawn ones, told apart by the stored form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laddnet.adapters.crypto.passwords import Argon2Hasher, StationSecretHasher

HASHER = StationSecretHasher(Argon2Hasher(time_cost=1, memory_cost=1024))
DRAWN = "Xq3vN8rT2mK9pL4wZ7yB"


def test_a_drawn_secret_verifies_only_itself() -> None:
    hashed = HASHER.hash_drawn(DRAWN)

    assert hashed.startswith("$hmac-sha256$")
    assert HASHER.is_cheap(hashed)
    assert HASHER.verify(hashed, DRAWN)
    assert not HASHER.verify(hashed, DRAWN.lower())
    assert not HASHER.verify(hashed, DRAWN + "x")
    assert not HASHER.needs_rehash(hashed)


def test_each_drawn_hash_has_its_own_salt() -> None:
    assert HASHER.hash_drawn(DRAWN) != HASHER.hash_drawn(DRAWN)


def test_a_chosen_secret_stays_argon2id() -> None:
    hashed = HASHER.hash("chosen-by-an-operator")

    assert hashed.startswith("$argon2id$")
    assert not HASHER.is_cheap(hashed)
    assert HASHER.verify(hashed, "chosen-by-an-operator")
    assert not HASHER.verify(hashed, "chosen-by-an-operatoR")


def test_a_short_secret_is_never_stored_cheaply() -> None:
    with pytest.raises(ValueError, match="16"):
        HASHER.hash_drawn("short-secret-15")


@given(st.text(max_size=80))
def test_a_damaged_drawn_hash_verifies_nothing(tail: str) -> None:
    assert not HASHER.verify("$hmac-sha256$" + tail, DRAWN)
