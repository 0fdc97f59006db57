"""Meter-value sanity checks: parsing, unit normalization, register steps, billable energy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laddnet.domain.errors import InvalidInput
from laddnet.domain.sessions.meter import (
    EnergyAssessment,
    assess,
    check_step,
    normalize,
    parse_decimal,
)
from laddnet.domain.sessions.model import Anomaly, RegisterReading

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
MAX_POWER_W = 22_000  # 22 kW: 22 000 Wh per hour, plus 100 Wh slack per step
SLACK_WH = 100


def at(seconds: int | float, wh: int | str | Decimal) -> RegisterReading:
    return RegisterReading(at=T0 + timedelta(seconds=seconds), wh=Decimal(wh))


def same(a: EnergyAssessment, b: EnergyAssessment) -> bool:
    return (a.energy_wh, a.last, a.anomalies) == (b.energy_wh, b.last, b.anomalies)


# --- parse_decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123.45", Decimal("123.45")),
        ("0", Decimal(0)),
        ("-7", Decimal(-7)),
        ("1e3", Decimal(1000)),
        (" 42 ", Decimal(42)),
        (42, Decimal(42)),
        (0.1, Decimal("0.1")),
    ],
)
def test_parse_decimal_accepts_numbers(text: str | int | float, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


def test_parse_decimal_keeps_the_exact_digits_sent() -> None:
    value = parse_decimal("12345.678")
    assert value.as_tuple().exponent == -3
    assert str(value) == "12345.678"


@pytest.mark.parametrize(
    "text",
    ["NaN", "nan", "sNaN", "inf", "-Infinity", "Infinity", "", "abc", "1,5", "12 kWh", "0x10"],
)
def test_parse_decimal_rejects_garbage_and_non_finite(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_decimal(text)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_parse_decimal_rejects_non_finite_floats(value: float) -> None:
    with pytest.raises(InvalidInput):
        parse_decimal(value)


@given(st.text(max_size=30))
def test_parse_decimal_returns_a_finite_decimal_or_raises_invalid_input(text: str) -> None:
    try:
        value = parse_decimal(text)
    except InvalidInput:
        return
    assert isinstance(value, Decimal)
    assert value.is_finite()


# --- normalize ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "multiplier", "expected"),
    [
        ("1.5", "kWh", 0, (Decimal(1500), "Wh")),
        ("250", "Wh", 0, (Decimal(250), "Wh")),
        ("11", "kW", 0, (Decimal(11000), "W")),
        ("7400", "W", 0, (Decimal(7400), "W")),
        ("5", "Wh", 3, (Decimal(5000), "Wh")),  # 2.0.1 multiplier: 5 x 10^3 Wh
        ("15", "kW", -1, (Decimal(1500), "W")),  # 1.5 kW
        ("2", "kWh", 2, (Decimal(200000), "Wh")),
        ("230.1", "V", 0, (Decimal("230.1"), "V")),  # unknown to the table: untouched
        ("3", "kvarh", 0, (Decimal(3), "kvarh")),
        ("3", "kwh", 0, (Decimal(3), "kwh")),  # units are case-sensitive in OCPP
        ("42", "Percent", 1, (Decimal(420), "Percent")),  # multiplier still applies
        ("9", None, 0, (Decimal(9), "")),
        ("9", None, 1, (Decimal(90), "")),
    ],
)
def test_normalize(
    value: str, unit: str | None, multiplier: int, expected: tuple[Decimal, str]
) -> None:
    assert normalize(Decimal(value), unit, multiplier) == expected


def test_normalize_is_exact() -> None:
    value, unit = normalize(Decimal("0.001"), "kWh")
    assert (value, unit) == (Decimal(1), "Wh")


def test_a_value_in_base_units_keeps_every_digit_it_was_sent_with() -> None:
    # More digits than Decimal's default 28-digit context: arithmetic would round them.
    sent = Decimal("1234567890123456789012345678.9012")
    assert normalize(sent, "Wh") == (sent, "Wh")
    assert str(normalize(Decimal("250.00"), "Wh")[0]) == "250.00"


# --- check_step --------------------------------------------------------------------------------


def test_check_step_accepts_a_plausible_increase() -> None:
    assert check_step(at(0, 1000), at(3600, 1000 + MAX_POWER_W), MAX_POWER_W) is None


def test_check_step_accepts_no_change() -> None:
    assert check_step(at(0, 1000), at(60, 1000), MAX_POWER_W) is None


def test_check_step_flags_a_decrease() -> None:
    assert check_step(at(0, 1000), at(60, 999), MAX_POWER_W) is Anomaly.REGISTER_DECREASED


def test_check_step_flags_a_negative_value_first() -> None:
    assert check_step(at(0, 1000), at(60, -1), MAX_POWER_W) is Anomaly.NEGATIVE_VALUE


def test_check_step_jump_boundary_includes_slack() -> None:
    # One hour at 22 kW is 22 000 Wh, plus 100 Wh slack.
    limit = MAX_POWER_W + SLACK_WH
    assert check_step(at(0, 0), at(3600, limit), MAX_POWER_W) is None
    assert check_step(at(0, 0), at(3600, limit + 1), MAX_POWER_W) is Anomaly.IMPLAUSIBLE_JUMP


def test_check_step_backwards_in_time_allows_only_the_slack() -> None:
    assert check_step(at(60, 0), at(0, SLACK_WH), MAX_POWER_W) is None
    assert check_step(at(60, 0), at(0, SLACK_WH + 1), MAX_POWER_W) is Anomaly.IMPLAUSIBLE_JUMP


# --- assess ------------------------------------------------------------------------------------


def test_assess_monotonic_series_bills_last_minus_start() -> None:
    result = assess(at(0, 1000), [at(60, 1200), at(120, 1500), at(180, 1500)], MAX_POWER_W)
    assert result.energy_wh == Decimal(500)
    assert result.last == at(180, 1500)
    assert result.anomalies == []


def test_assess_without_readings_bills_nothing() -> None:
    result = assess(at(0, 1000), [], MAX_POWER_W)
    assert result.energy_wh == Decimal(0)
    assert result.last == at(0, 1000)
    assert result.anomalies == []


def test_assess_register_decrease_is_flagged_and_not_billed() -> None:
    result = assess(at(0, 1000), [at(60, 1200), at(120, 900), at(180, 1300)], MAX_POWER_W)
    assert result.anomalies == [Anomaly.REGISTER_DECREASED]
    # The decreased reading is skipped; 1300 is compared with the last accepted 1200.
    assert result.energy_wh == Decimal(300)
    assert result.last == at(180, 1300)


def test_assess_implausible_jump_is_flagged_and_not_billed() -> None:
    # 60 s at 22 kW allows ~367 Wh + 100 Wh slack: a 1 MWh jump is implausible.
    result = assess(at(0, 1000), [at(60, 1200), at(120, 1_001_200), at(180, 1400)], MAX_POWER_W)
    assert result.anomalies == [Anomaly.IMPLAUSIBLE_JUMP]
    assert result.energy_wh == Decimal(400)
    assert result.last == at(180, 1400)


def test_assess_negative_reading_is_flagged_and_never_billed() -> None:
    result = assess(at(0, 1000), [at(60, -5000), at(120, 1100)], MAX_POWER_W)
    assert result.anomalies == [Anomaly.NEGATIVE_VALUE]
    assert result.energy_wh == Decimal(100)


def test_assess_negative_reading_without_start_is_not_taken_as_start() -> None:
    result = assess(None, [at(0, -10), at(60, 500)], MAX_POWER_W)
    assert result.anomalies == [Anomaly.NEGATIVE_VALUE, Anomaly.UNKNOWN_START]
    assert result.last == at(60, 500)
    assert result.energy_wh == Decimal(0)


def test_assess_unknown_start_bills_nothing_and_is_flagged() -> None:
    result = assess(None, [at(0, 1000), at(60, 1200)], MAX_POWER_W)
    assert result.energy_wh == Decimal(0)
    assert result.anomalies == [Anomaly.UNKNOWN_START]
    assert result.last == at(60, 1200)


def test_assess_energy_is_never_negative_when_every_reading_is_below_start() -> None:
    result = assess(at(0, 5000), [at(60, 4000), at(120, 3000)], MAX_POWER_W)
    assert result.energy_wh == Decimal(0)
    assert result.last == at(0, 5000)
    assert result.anomalies == [Anomaly.REGISTER_DECREASED, Anomaly.REGISTER_DECREASED]


def test_assess_ignores_readings_before_the_start() -> None:
    result = assess(at(100, 1000), [at(0, 10), at(160, 1100)], MAX_POWER_W)
    assert result.energy_wh == Decimal(100)
    assert result.anomalies == []


def test_assess_orders_readings_by_station_time() -> None:
    readings = [at(180, 1500), at(60, 1200), at(120, 1300)]
    result = assess(at(0, 1000), readings, MAX_POWER_W)
    assert result.energy_wh == Decimal(500)
    assert result.anomalies == []
    assert same(result, assess(at(0, 1000), sorted(readings, key=lambda r: r.at), MAX_POWER_W))


def test_assess_same_timestamp_readings_give_the_same_result_in_any_order() -> None:
    """SRC BUG: readings that share a timestamp are walked in input order (stable sort on `at`).

    Here the start is 0 Wh and one hour later two readings say 1000 and 500 Wh. Given as
    [1000, 500], 1000 is billed and 500 flagged as a decrease; given as [500, 1000], 500 is
    billed and 1000 flagged as an implausible jump (500 Wh in 0 s). The repository orders by
    `sampled_at` only, so the bill depends on the database's row order.
    """
    start = at(0, 0)
    high, low = at(3600, 1000), at(3600, 500)
    one = assess(start, [high, low], 1000)
    other = assess(start, [low, high], 1000)
    assert one.energy_wh == other.energy_wh
    assert same(one, other)


# --- properties --------------------------------------------------------------------------------


@st.composite
def plausible_series(draw: st.DrawFn) -> tuple[RegisterReading, list[RegisterReading]]:
    """A start reading and a strictly time-ordered, monotonic series within the power limit."""
    start_wh = draw(st.integers(min_value=0, max_value=10**9))
    start = at(0, start_wh)
    readings: list[RegisterReading] = []
    t, wh = 0, start_wh
    for _ in range(draw(st.integers(min_value=0, max_value=20))):
        dt = draw(st.integers(min_value=1, max_value=3600))
        step = draw(st.integers(min_value=0, max_value=MAX_POWER_W * dt // 3600))
        t, wh = t + dt, wh + step
        readings.append(at(t, wh))
    return start, readings


@given(plausible_series())
def test_property_monotonic_plausible_series_bills_last_minus_first(
    series: tuple[RegisterReading, list[RegisterReading]],
) -> None:
    start, readings = series
    result = assess(start, readings, MAX_POWER_W)
    expected = (readings[-1].wh if readings else start.wh) - start.wh
    assert result.energy_wh == expected
    assert result.anomalies == []
    assert result.last == (readings[-1] if readings else start)


def any_reading() -> st.SearchStrategy[RegisterReading]:
    return st.builds(
        at,
        st.integers(min_value=0, max_value=20_000),
        st.integers(min_value=-1_000, max_value=200_000),
    )


any_start = st.one_of(st.none(), any_reading())
any_readings = st.lists(any_reading(), max_size=15)


@given(any_start, any_readings, st.integers(min_value=0, max_value=400_000))
def test_property_energy_is_bounded_for_any_series(
    start: RegisterReading | None, readings: list[RegisterReading], max_power_w: int
) -> None:
    result = assess(start, readings, max_power_w)
    assert result.energy_wh >= 0
    if start is None:
        assert result.energy_wh == 0
        return
    # Each accepted step is within max power over its interval plus the slack.
    span = max((max((r.at for r in readings), default=start.at) - start.at).total_seconds(), 0)
    bound = Fraction(max_power_w) * Fraction(span) / 3600 + SLACK_WH * len(readings)
    assert Fraction(result.energy_wh) <= bound + Fraction(1, 10**9)
    # Never more than the highest reading minus the start: nothing invented.
    assert result.energy_wh <= max([start.wh, *(r.wh for r in readings)]) - start.wh


@given(any_start, st.lists(any_reading(), max_size=15, unique_by=lambda r: r.at), st.data())
def test_property_shuffling_distinct_times_never_changes_the_result(
    start: RegisterReading | None, readings: list[RegisterReading], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(readings))
    assert same(assess(start, readings, MAX_POWER_W), assess(start, shuffled, MAX_POWER_W))


@given(any_start, st.lists(any_reading(), max_size=15), st.data())
def test_property_shuffling_never_changes_the_result(
    start: RegisterReading | None, readings: list[RegisterReading], data: st.DataObject
) -> None:
    """SRC BUG (same as above): fails when two readings share a timestamp."""
    shuffled = data.draw(st.permutations(readings))
    assert same(assess(start, readings, MAX_POWER_W), assess(start, shuffled, MAX_POWER_W))
