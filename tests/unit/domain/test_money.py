"""Exact money: Decimal amounts, ISO currencies, no mixing, one half-up rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laddnet.domain.money import Money


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.mark.parametrize("amount", [1, 1.5, "1.50"])
def test_amount_must_be_a_decimal(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["eur", "Eur", "EU", "EURO", "", "€€€"])
def test_currency_must_be_an_iso_code(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


@pytest.mark.parametrize("currency", ["EU1", "E R", "ÄÖÜ"])
def test_currency_must_be_three_ascii_letters(currency: str) -> None:
    """SRC BUG: `len == 3 and isupper()` lets digits, spaces and non-ASCII letters through."""
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


def test_add_and_subtract_in_one_currency() -> None:
    assert eur("1.10") + eur("2.25") == eur("3.35")
    assert eur("1.10") - eur("2.25") == eur("-1.15")


def test_adding_is_exact() -> None:
    total = eur("0")
    for _ in range(10):
        total = total + eur("0.1")
    assert total == eur("1.0")


@pytest.mark.parametrize("op", ["add", "sub"])
def test_mixing_currencies_is_refused(op: str) -> None:
    sek = Money(Decimal(1), "SEK")
    with pytest.raises(ValueError, match="cannot mix EUR and SEK"):
        _ = eur("1") + sek if op == "add" else eur("1") - sek


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("1.005", "EUR", "1.01"),  # half up, not banker's rounding
        ("1.015", "EUR", "1.02"),
        ("1.025", "EUR", "1.03"),  # banker's would give 1.02
        ("1.0049", "EUR", "1.00"),
        ("-1.005", "EUR", "-1.01"),  # half away from zero
        ("2", "SEK", "2.00"),
        ("100.5", "JPY", "101"),
        ("100.4", "JPY", "100"),
        ("99.5", "JPY", "100"),
        ("1.234", "XYZ", "1.23"),  # unknown currency: two decimals
    ],
)
def test_rounding_is_half_up_to_minor_units(amount: str, currency: str, expected: str) -> None:
    rounded = Money(Decimal(amount), currency).rounded()
    assert rounded == Money(Decimal(expected), currency)
    assert str(rounded.amount) == expected  # the exponent is the currency's too


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6))
def test_rounding_twice_changes_nothing_and_moves_at_most_half_a_cent(amount: Decimal) -> None:
    once = Money(amount, "EUR").rounded()
    assert once.rounded() == once
    assert abs(once.amount - amount) <= Decimal("0.005")
