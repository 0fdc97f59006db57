"""Correcting CDRs: a credit reverses the CDR in effect exactly (its journal entry mirrors the
CDR's), a re-issue replaces it, and nothing is made when the price did not change."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings

from laddnet.domain.pricing.cdr import Cdr, CdrKind
from laddnet.domain.pricing.corrections import correction, negated, same_billing
from laddnet.domain.pricing.ledger import RECEIVABLE, cdr_entry
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.usage import SessionUsage
from tests.unit.domain.pricing.builders import a_session, a_tariff, component, element, priced, utc
from tests.unit.domain.pricing.test_properties import sessions, time_of_day_tariffs

T0 = utc(2026, 11, 2, 8)
NOW = T0 + timedelta(days=1)


def _cdr(result: PricedSession, cdr_id: int | None = 7) -> Cdr:
    return Cdr(1, "CP-1", "depot", 1, "TAG", T0, T0 + timedelta(hours=1), "Europe/Stockholm",
               "t", 1, result, (), T0, id=cdr_id)  # fmt: skip


def _tariff() -> Tariff:
    return a_tariff(element(component("FLAT", "5", "25"), component("ENERGY", "2", "25")))


def test_the_same_price_makes_no_correction() -> None:
    result = priced(_tariff(), a_session(T0, 60, "10"))
    assert correction(_cdr(result), _cdr(result, None), NOW) is None


def test_a_changed_price_makes_a_credit_of_the_cdr_and_a_reissue() -> None:
    before = priced(_tariff(), a_session(T0, 60, "10"))
    after = priced(_tariff(), a_session(T0, 60, "12"))
    pair = correction(_cdr(before), _cdr(after, None), NOW)
    assert pair is not None
    credit, reissue = pair
    assert (credit.kind, credit.seq, credit.corrects_cdr_id, credit.issued_at) == (
        CdrKind.CREDIT, 1, 7, NOW,
    )  # fmt: skip
    assert (reissue.kind, reissue.seq, reissue.corrects_cdr_id) == (CdrKind.REISSUE, 2, 7)
    assert credit.credit and not reissue.credit
    assert credit.priced.total_incl_vat == -before.total_incl_vat == Decimal("-31.25")
    assert reissue.priced == after
    # The credit's entry takes the receivable back; its revenue and VAT are debits.
    entry = cdr_entry(credit, 8)
    assert entry.balanced() and entry.description.startswith("credit of CDR 7")
    assert [(line.account, str(line.debit), str(line.credit)) for line in entry.lines] == [
        (RECEIVABLE, "0", "31.25"),
        ("revenue:flat", "5.00", "0"),
        ("revenue:energy", "20.00", "0"),
        ("vat_payable:25", "6.25", "0"),
    ]
    assert entry.lines[2].quantity == Decimal(-10)
    # A correction of a re-issue continues the numbering.
    effective = dataclasses.replace(reissue, id=9)
    again = correction(effective, _cdr(before, None), NOW)
    assert again is not None and [c.seq for c in again] == [3, 4]


@settings(max_examples=100, deadline=None)
@given(time_of_day_tariffs(), sessions())
def test_a_credit_cancels_its_cdr_in_every_account(tariff: Tariff, usage: SessionUsage) -> None:
    result = priced(tariff, usage)
    assert same_billing(negated(negated(result)), result)
    original = cdr_entry(_cdr(result), 1)
    reversal = cdr_entry(_cdr(negated(result)), 2)
    assert reversal.balanced()
    balance: dict[str, Decimal] = {}
    for line in (*original.lines, *reversal.lines):
        balance[line.account] = balance.get(line.account, Decimal(0)) + line.debit - line.credit
    assert set(balance.values()) <= {Decimal(0)}
