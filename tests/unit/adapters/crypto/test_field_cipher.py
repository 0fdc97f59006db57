"""AES-GCM field encryption: round trip, a fresh nonce each time, bound to its field; the
blind index is deterministic per field and keyed."""

from __future__ import annotations

import secrets

import pytest
from cryptography.exceptions import InvalidTag

from laddnet.adapters.crypto.fields import AesGcmFieldCipher


def cipher(index_key: bytes | None = None) -> AesGcmFieldCipher:
    data = {"data-1": secrets.token_bytes(32)}
    return AesGcmFieldCipher(data, "data-1", index_key or secrets.token_bytes(32))


def test_round_trip_with_a_fresh_nonce() -> None:
    c = cipher()
    one, two = c.encrypt("name", "Anna Öberg"), c.encrypt("name", "Anna Öberg")
    assert one != two and "Anna" not in one
    assert c.decrypt("name", one) == c.decrypt("name", two) == "Anna Öberg"


def test_a_value_moved_to_another_field_does_not_decrypt() -> None:
    c = cipher()
    with pytest.raises(InvalidTag):
        c.decrypt("email", c.encrypt("name", "Anna"))


def test_the_blind_index_is_stable_per_field_and_key() -> None:
    key = secrets.token_bytes(32)
    a, b = cipher(key), cipher(key)
    assert a.blind_index("email", "x@y.se") == b.blind_index("email", "x@y.se")
    assert a.blind_index("email", "x@y.se") != a.blind_index("phone", "x@y.se")
    assert cipher().blind_index("email", "x@y.se") != a.blind_index("email", "x@y.se")
