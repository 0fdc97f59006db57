"""A CDR's journal entry: balanced, revenue per dimension, VAT per rate, adjustments signed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings

from laddnet.domain.pricing.cdr import Cdr
from laddnet.domain.pricing.ledger import cdr_entry
from laddnet.domain.pricing.reports import Period, RevenueLine, revenue_rows
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.usage import SessionUsage
from tests.unit.domain.pricing.builders import (
    a_session,
    a_tariff,
    component,
    element,
    priced,
    utc,
)
from tests.unit.domain.pricing.test_properties import sessions, time_of_day_tariffs

T0 = utc(2026, 11, 2, 8)


def _cdr(result: PricedSession) -> Cdr:
    return Cdr(1, "CP-1", "depot", 1, "TAG", T0, T0 + timedelta(hours=1), "Europe/Stockholm",
               "t", 1, result, (), T0)  # fmt: skip


def test_an_entry_credits_revenue_per_dimension_and_vat_per_rate() -> None:
    tariff = a_tariff(
        element(component("FLAT", "5", "25"), component("ENERGY", "2", "25")),
        element(component("PARKING_TIME", "60", "12")),
        currency="SEK",
        parking_cap="10",
    )
    result = priced(tariff, a_session(T0, 60, "10", parking_minutes=30))
    entry = cdr_entry(_cdr(result), 7)
    assert entry.key == "cdr:7" and entry.balanced()
    assert [(line.account, str(line.debit), str(line.credit)) for line in entry.lines] == [
        ("receivable:customers", "42.45", "0"),
        ("revenue:flat", "0", "5.00"),
        ("revenue:energy", "0", "20.00"),
        ("revenue:parking_time", "0", "30.00"),
        ("revenue:adjustments", "20.00", "0"),  # the cap took 20.00 back
        ("vat_payable:12", "0", "1.20"),
        ("vat_payable:25", "0", "6.25"),
    ]
    assert entry.lines[2].quantity == Decimal(10)


@settings(max_examples=100, deadline=None)
@given(time_of_day_tariffs(), sessions())
def test_every_entry_balances(tariff: Tariff, usage: SessionUsage) -> None:
    result = priced(tariff, usage)
    entry = cdr_entry(_cdr(result), 1)
    assert entry.balanced()
    assert entry.lines[0].debit == result.total_incl_vat


def test_revenue_rows_sum_per_period_place_and_dimension() -> None:
    lines = [
        RevenueLine(T0, "s", "CP-1", "SEK", "ENERGY", Decimal("10.00"), Decimal("4")),
        RevenueLine(
            T0 + timedelta(hours=1), "s", "CP-1", "SEK", "ENERGY", Decimal("5.01"), Decimal("2")
        ),
        RevenueLine(T0 + timedelta(days=1), "s", "CP-1", "SEK", "FLAT", Decimal("5"), Decimal(0)),
    ]
    days = revenue_rows(lines, Period.DAY)
    assert [
        (r.period, r.dimension, str(r.revenue_excl_vat), str(r.average_price_per_kwh)) for r in days
    ] == [
        ("2026-11-02", "ENERGY", "15.01", "2.5017"),
        ("2026-11-03", "FLAT", "5", "None"),
    ]
    assert len(revenue_rows(lines, Period.MONTH)) == 2
