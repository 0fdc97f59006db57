"""The engine's own rules: energy split by interpolation, local time through DST, idle fee."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.serialize import tariff_to_json
from laddnet.domain.pricing.usage import ChargingChange, Reading, SessionUsage
from laddnet.domain.pricing.validation import tariff_from_json
from tests.unit.domain.pricing.builders import (
    STOCKHOLM,
    a_session,
    a_tariff,
    amounts,
    component,
    element,
    local,
    priced,
    utc,
)

NIGHT_AND_DAY = (
    element(component("TIME", "1.00", "25"), start_time="22:00", end_time="06:00"),
    element(component("TIME", "2.00", "25")),
)


def _hours(result: object) -> list[tuple[int | None, str]]:
    return [(line.element, str(line.quantity)) for line in result.lines]  # type: ignore[attr-defined]


def test_energy_is_split_at_a_boundary_between_two_readings() -> None:
    tariff = a_tariff(
        element(component("ENERGY", "1.00", "25"), start_time="17:00"),
        element(component("ENERGY", "2.00", "25")),
        currency="SEK",
    )
    start = local(STOCKHOLM, 2024, 6, 3, 16, 30)
    # One reading at 16:30 (0 Wh) and one at 17:30 (10 kWh): 5 kWh each side of 17:00.
    result = priced(tariff, a_session(start, 60, "10"))
    assert [(line.element, str(line.quantity)) for line in result.lines] == [
        (0, "5"),
        (1, "5"),
    ]
    assert amounts(result) == ("15.00", "3.75", "18.75")


def test_a_session_across_midnight_uses_each_days_restrictions() -> None:
    tariff = a_tariff(
        element(component("ENERGY", "3.00", "25"), day_of_week=["SUNDAY"]),
        element(component("ENERGY", "1.00", "25")),
        currency="SEK",
    )
    start = local(STOCKHOLM, 2024, 6, 8, 23, 0)  # Saturday 23:00 to Sunday 01:00
    result = priced(tariff, a_session(start, 120, "20"))
    assert [(line.element, str(line.amount)) for line in result.lines] == [
        (0, "30.00"),
        (1, "10.00"),
    ]


@pytest.mark.parametrize(
    ("start", "stop", "night_hours", "day_hours"),
    [
        # Spring forward: 01:00 CET to 08:00 CEST is 6 hours; night ends 06:00 CEST = 04:00Z.
        (utc(2024, 3, 31, 0, 0), utc(2024, 3, 31, 6, 0), "4", "2"),
        # Fall back: 00:00 CEST to 07:00 CET is 8 hours; night ends 06:00 CET = 05:00Z.
        (utc(2024, 10, 26, 22, 0), utc(2024, 10, 27, 6, 0), "7", "1"),
    ],
)
def test_local_time_restrictions_through_dst(
    start: object, stop: object, night_hours: str, day_hours: str
) -> None:
    usage = SessionUsage(start, stop, ())  # type: ignore[arg-type]
    result = priced(a_tariff(*NIGHT_AND_DAY, currency="SEK"), usage)
    assert _hours(result) == [(0, night_hours), (1, day_hours)]


def test_a_start_time_inside_the_spring_gap_starts_when_the_clock_jumps() -> None:
    tariff = a_tariff(
        element(component("TIME", "1.00"), start_time="02:30", end_time="04:00"),
        element(component("TIME", "0.00")),
    )
    # 02:00-03:00 does not exist on 2024-03-31 in Stockholm; 03:00 CEST is 01:00Z.
    usage = SessionUsage(utc(2024, 3, 31, 0, 0), utc(2024, 3, 31, 3, 0), ())
    result = priced(tariff, usage)
    assert _hours(result) == [(0, "1"), (1, "2")]  # 03:00-04:00 CEST


def test_parking_starts_when_charging_stops() -> None:
    tariff = a_tariff(
        element(component("TIME", "1.00"), component("PARKING_TIME", "6.00")), currency="SEK"
    )
    start = utc(2024, 6, 3, 10, 0)
    usage = SessionUsage(
        start,
        start + timedelta(hours=3),
        (Reading(start, Decimal(0)), Reading(start + timedelta(hours=1), Decimal(11000))),
        (
            ChargingChange(start + timedelta(hours=1), False),
            ChargingChange(start + timedelta(hours=1, minutes=30), True),
            ChargingChange(start + timedelta(hours=2), False),
        ),
    )
    result = priced(tariff, usage)
    assert result.charging_seconds == 5400
    assert result.parking_seconds == 5400
    assert [str(line.amount) for line in result.lines] == ["1.50", "9.00"]


def test_idle_fee_grace_period_and_cap() -> None:
    tariff = a_tariff(
        element(component("ENERGY", "2.00", "25"), component("PARKING_TIME", "60.00", "25")),
        currency="SEK",
        parking_grace_seconds=1800,
        parking_cap="50",
    )
    start = utc(2024, 6, 3, 10, 0)
    short = priced(tariff, a_session(start, 60, "10", parking_minutes=45))
    # 45 min parked, 30 free: 15 min at 60/h = 15.00.
    assert [(line.dimension, str(line.amount)) for line in short.lines] == [
        ("ENERGY", "20.00"),
        ("PARKING_TIME", "15.00"),
    ]
    long = priced(tariff, a_session(start, 60, "10", parking_minutes=180))
    # 150 min at 60/h = 150.00, capped at 50.00.
    assert [(line.dimension, str(line.amount)) for line in long.lines] == [
        ("ENERGY", "20.00"),
        ("PARKING_TIME", "150.00"),
        ("PARKING_CAP", "-100.00"),
    ]
    assert amounts(long) == ("70.00", "17.50", "87.50")


def test_no_restriction_matches_means_no_cost_for_that_dimension() -> None:
    tariff = a_tariff(element(component("ENERGY", "1.00"), min_kwh="50"))
    result = priced(tariff, a_session(utc(2024, 6, 3, 10, 0), 60, "10"))
    assert result.lines == ()
    assert result.total_incl_vat == 0


def test_min_kwh_threshold_splits_a_reading_interval() -> None:
    tariff = a_tariff(
        element(component("ENERGY", "1.00"), max_kwh="4"),
        element(component("ENERGY", "0.50")),
    )
    result = priced(tariff, a_session(utc(2024, 6, 3, 10, 0), 60, "10"))
    assert [(line.element, str(line.quantity)) for line in result.lines] == [(0, "4"), (1, "6")]


def test_a_tariff_survives_its_json_shape() -> None:
    tariff = a_tariff(
        *NIGHT_AND_DAY,
        element(component("FLAT", "5"), min_kwh="1.5", day_of_week=["MONDAY"], max_duration=60),
        min_price={"excl_vat": "1"},
        tariff_alt_text=[{"language": "sv", "text": "Natt billigare"}],
        parking_cap="9.99",
    )
    assert tariff_from_json(tariff_to_json(tariff)) == tariff


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"currency": "XXX"}, "currency"),
        ({"elements": []}, "elements"),
        ({"elements": [{"price_components": []}]}, "elements.0.price_components"),
        ({"elements": [element(component("ENERGY", "-1"))]}, "elements.0.price_components.0.price"),
        ({"elements": [element(component("SPEED", "1"))]}, "elements.0.price_components.0.type"),
        ({"elements": [element(component("TIME", "1", "101"))]}, "price_components.0.vat"),
        ({"elements": [element(component("TIME", "1", step=0))]}, "step_size"),
        ({"elements": [element(component("TIME", "1"), start_time="25:00")]}, "start_time"),
        ({"elements": [element(component("TIME", "1"), min_kwh="5", max_kwh="2")]}, "max_kwh"),
        ({"elements": [element(component("TIME", "1"), day_of_week=["FUNDAY"])]}, "day_of_week"),
        ({"elements": [element(component("TIME", "1"), colour="red")]}, "colour"),
        ({"max_price": {"excl_vat": "1"}, "min_price": {"excl_vat": "2"}}, "max_price"),
        ({"tariff_alt_text": [{"language": "Swedish", "text": "x"}]}, "language"),
    ],
)
def test_invalid_tariffs_name_the_field(change: dict[str, object], message: str) -> None:
    data: dict[str, object] = {"currency": "SEK", "elements": [element(component("TIME", "1"))]}
    data.update(change)
    with pytest.raises(InvalidInput, match=message):
        tariff_from_json(data)


def test_a_float_price_is_refused() -> None:
    with pytest.raises(InvalidInput, match="price"):
        tariff_from_json({"currency": "SEK", "elements": [element(component("TIME", 0.1))]})  # type: ignore[arg-type]
