"""Id tokens are case-insensitive (1.6 CiString20Type, 2.0.1 IdToken): the folded form."""

from __future__ import annotations

import pytest

from laddnet.domain.authorization.model import fold_token, same_token


@pytest.mark.parametrize(
    ("given", "folded"),
    [
        ("04A1B2C3", "04a1b2c3"),
        ("already-lower", "already-lower"),
        ("MiXeD-Case_9", "mixed-case_9"),
        ("ÄB", "Äb"),  # a CiString is ASCII: only A-Z fold, nothing else changes
        ("STRASSE", "strasse"),
    ],
)
def test_only_ascii_letters_fold(given: str, folded: str) -> None:
    assert fold_token(given) == folded
    assert fold_token(folded) == folded  # idempotent


def test_same_token_ignores_case_and_none() -> None:
    assert same_token("AB12", "ab12")
    assert not same_token("AB12", "AB13")
    assert not same_token(None, "AB12")
    assert not same_token(None, None)
