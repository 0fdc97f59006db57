"""Properties of the engine over many tariffs and sessions (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.tariff import Tariff
from laddnet.domain.pricing.usage import ChargingChange, Reading, SessionUsage
from tests.unit.domain.pricing.builders import STOCKHOLM, a_tariff, component, priced, utc

prices = st.decimals(min_value=0, max_value=20, places=2).map(str)
vats = st.sampled_from([None, "0", "6", "12", "25"])
steps = st.sampled_from([1, 60, 300, 900])
clock = st.integers(0, 23 * 60 + 59).map(lambda m: time(m // 60, m % 60).strftime("%H:%M"))
dimensions = st.sampled_from(["ENERGY", "TIME", "PARKING_TIME", "FLAT"])
# Around both 2024 DST changes in Stockholm, and an ordinary day.
starts = st.sampled_from([utc(2024, 3, 30, 20), utc(2024, 10, 26, 20), utc(2024, 6, 3, 8)]).flatmap(
    lambda day: st.integers(0, 20 * 3600).map(lambda s: day + timedelta(seconds=s))
)


ONE_STEP = st.just(1)


@st.composite
def time_of_day_tariffs(draw: st.DrawFn, step: st.SearchStrategy[int] = ONE_STEP) -> Tariff:
    """Elements restricted by wall clock, weekday and duration, each dimension with a default."""
    elements: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        restrictions: dict[str, Any] = {}
        if draw(st.booleans()):
            restrictions["start_time"] = draw(clock)
        if draw(st.booleans()):
            restrictions["end_time"] = draw(clock)
        if restrictions.get("start_time") and restrictions["start_time"] == restrictions.get(
            "end_time"
        ):
            del restrictions["end_time"]
        if draw(st.booleans()):
            restrictions["day_of_week"] = draw(
                st.lists(st.sampled_from(["MONDAY", "SATURDAY", "SUNDAY"]), min_size=1)
            )
        if draw(st.booleans()):
            restrictions["min_duration"] = draw(st.integers(0, 7200))
        c = component(draw(dimensions), draw(prices), draw(vats), draw(step))
        elements.append({"price_components": [c], "restrictions": restrictions or None})
    for dimension in ("ENERGY", "TIME", "PARKING_TIME", "FLAT"):
        if draw(st.booleans()):
            elements.append({"price_components": [component(dimension, draw(prices), draw(vats))]})
    if not elements:
        elements.append({"price_components": [component("FLAT", "0")]})
    extra: dict[str, Any] = {"currency": "SEK"}
    if draw(st.booleans()):
        extra["parking_grace_seconds"] = draw(st.integers(0, 3600))
    if draw(st.booleans()):
        extra["parking_cap"] = draw(prices)
    if draw(st.booleans()):
        extra["min_price"] = {"excl_vat": draw(prices)}
    return a_tariff(*elements, **extra)


@st.composite
def sessions(draw: st.DrawFn) -> SessionUsage:
    """Whole seconds and whole Wh, readings every few minutes, charging then maybe parking."""
    start: datetime = draw(starts)
    at, wh = start, Decimal(0)
    readings = [Reading(at, wh)]
    for _ in range(draw(st.integers(0, 12))):
        at += timedelta(seconds=draw(st.integers(1, 3600)))
        wh += draw(st.integers(0, 20000))
        readings.append(Reading(at, wh))
    stop = at + timedelta(seconds=draw(st.integers(0, 7200)))
    changes = []
    if stop > start and draw(st.booleans()):
        seconds = int((stop - start).total_seconds())
        changes.append(
            ChargingChange(start + timedelta(seconds=draw(st.integers(0, seconds))), False)
        )
    return SessionUsage(start, stop, tuple(readings), tuple(changes))


def extended(usage: SessionUsage, seconds: int, wh: int) -> SessionUsage:
    """The same session lasting longer, with one more reading at the new stop."""
    last = max(r.wh for r in usage.readings)
    stop = usage.stop + timedelta(seconds=seconds)
    readings = (*usage.readings, Reading(stop, last + wh))
    return SessionUsage(usage.start, stop, readings, usage.charging_changes)


def _check_totals(result: PricedSession) -> None:
    assert result.total_excl_vat == sum((line.amount for line in result.lines), Decimal(0))
    assert result.total_vat == sum((v.vat for v in result.vat_lines), Decimal(0))
    assert result.total_incl_vat == result.total_excl_vat + result.total_vat
    for line in result.lines:
        assert line.amount == line.amount.quantize(Decimal("0.01"))


@settings(max_examples=150, deadline=None)
@given(time_of_day_tariffs(steps), sessions())
def test_totals_add_up_and_are_never_negative(tariff: Tariff, usage: SessionUsage) -> None:
    result = priced(tariff, usage)
    _check_totals(result)
    assert result.total_excl_vat >= 0
    assert all(v.base >= 0 and v.vat >= 0 for v in result.vat_lines)
    elapsed = Decimal(int((usage.stop - usage.start).total_seconds()))
    assert result.charging_seconds + result.parking_seconds == elapsed


@settings(max_examples=150, deadline=None)
@given(time_of_day_tariffs(), sessions(), st.integers(0, 7200), st.integers(0, 30000))
def test_more_energy_or_time_never_costs_less(
    tariff: Tariff, usage: SessionUsage, seconds: int, wh: int
) -> None:
    before = priced(tariff, usage)
    after = priced(tariff, extended(usage, seconds, wh))
    assert after.total_excl_vat >= before.total_excl_vat
    if tariff.min_price is None and tariff.parking_cap is None:
        # A minimum price, or a parking cap, holds excl. VAT; what it adds or takes back falls
        # on the VAT rates of the lines, so more usage at a lower rate can lower the VAT.
        assert after.total_incl_vat >= before.total_incl_vat


@settings(max_examples=100, deadline=None)
@given(
    st.integers(60, 23 * 60 - 1),
    st.integers(1, 7200),
    st.integers(1, 7200),
    st.sampled_from([(2024, 3, 31), (2024, 10, 27), (2024, 6, 3)]),
)
def test_a_time_boundary_splits_energy_and_time_exactly(
    minute: int, before: int, after: int, day: tuple[int, int, int]
) -> None:
    boundary_local = datetime(*day, minute // 60, minute % 60, tzinfo=STOCKHOLM)
    boundary = boundary_local.astimezone(UTC)
    tariff = a_tariff(
        {
            "price_components": [component("ENERGY", "2"), component("TIME", "1")],
            "restrictions": {"start_time": boundary_local.strftime("%H:%M")},
        },
        {"price_components": [component("ENERGY", "1"), component("TIME", "3")]},
    )
    start = boundary - timedelta(seconds=before)
    stop = boundary + timedelta(seconds=after)
    # Constant power, 1 Wh per second: the energy after the boundary is `after` Wh.
    usage = SessionUsage(
        start, stop, (Reading(start, Decimal(0)), Reading(stop, Decimal(before + after)))
    )
    result = priced(tariff, usage, STOCKHOLM)
    by = {(line.dimension, line.element): line for line in result.lines}
    _check_totals(result)
    # Without a DST change in the session (the wall clock falling back below the boundary, or
    # reaching it twice), the restricted element holds from the boundary to local midnight.
    offsets = {t.astimezone(STOCKHOLM).utcoffset() for t in (start, boundary, stop)}
    exists = boundary.astimezone(STOCKHOLM).time() == boundary_local.time()  # not in a gap
    same_offset = len(offsets) == 1 and exists
    if same_offset and start.astimezone(STOCKHOLM).date() == boundary_local.date():
        assert by[("ENERGY", 0)].quantity * 1000 == _to_midnight(boundary_local, after)


def _to_midnight(boundary_local: datetime, after: int) -> int:
    midnight = datetime.combine(
        boundary_local.date() + timedelta(days=1), time(0), tzinfo=STOCKHOLM
    )
    return min(after, int((midnight - boundary_local).total_seconds()))
