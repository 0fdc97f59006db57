"""The password policy: length, the common-password list, and the account's own name."""

from __future__ import annotations

import pytest

from laddnet.adapters.crypto.passwords import load_common_passwords
from laddnet.domain.accounts.passwords import password_problem

COMMON = frozenset({"password1234", "qwertyuiop12"})


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("x" * 257, "at most 256"),
        ("Password1234", "common"),
        (" leading space ok?", "white space"),
        ("aaaaaaaaaaaaaaab", "4 different"),
        ("my name is adalovelace!", "e-mail name"),
    ],
)
def test_refused(password: str, problem: str) -> None:
    reason = password_problem(password, COMMON, "adalovelace@example.com")
    assert reason is not None and problem in reason


def test_a_long_uncommon_passphrase_is_accepted() -> None:
    assert password_problem("correct horse battery staple", COMMON, "ada@example.com") is None


def test_the_shipped_list_holds_long_common_passwords_only() -> None:
    shipped = load_common_passwords()
    assert {"password1234", "qwertyuiop123", "iloveyou1234", "123456789012"} <= shipped
    assert all(len(p) >= 12 for p in shipped)
    assert len(shipped) > 10_000
