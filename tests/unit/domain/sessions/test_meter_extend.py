"""`extend` (the incremental energy count) always agrees with a full `assess`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from laddnet.domain.sessions.meter import assess, extend, is_main_register
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample, RegisterReading

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MAX_POWER_W = 22_000

steps = st.lists(
    st.tuples(st.integers(min_value=1, max_value=600), st.integers(min_value=-500, max_value=9000)),
    min_size=1,
    max_size=30,
)


def _series(start_wh: int, deltas: list[tuple[int, int]]) -> list[RegisterReading]:
    at, wh, out = T0, start_wh, []
    for seconds, delta in deltas:
        at, wh = at + timedelta(seconds=seconds), wh + delta
        out.append(RegisterReading(at, Decimal(wh)))
    return out


@given(st.integers(min_value=0, max_value=10**7), steps, st.integers(min_value=0, max_value=30))
def test_extend_equals_assess_for_readings_in_order(
    start_wh: int, deltas: list[tuple[int, int]], split: int
) -> None:
    start = RegisterReading(T0, Decimal(start_wh))
    readings = _series(start_wh, deltas)
    before, after = readings[:split], readings[split:]
    full = assess(start, readings, MAX_POWER_W)
    partial = assess(start, before, MAX_POWER_W)
    if not after:
        return
    assert partial.last is not None
    if partial.last.at >= after[0].at:
        assert extend(partial.energy_wh, partial.last, after, MAX_POWER_W) is None
        return
    step = extend(partial.energy_wh, partial.last, after, MAX_POWER_W)
    assert step is not None
    assert step.energy_wh == full.energy_wh
    assert step.last == full.last
    assert [*partial.anomalies, *step.anomalies] == full.anomalies


def test_extend_refuses_a_reading_not_later_than_the_last() -> None:
    last = RegisterReading(T0, Decimal(100))
    assert extend(Decimal(0), last, [RegisterReading(T0, Decimal(150))], MAX_POWER_W) is None
    earlier = RegisterReading(T0 - timedelta(seconds=1), Decimal(90))
    assert extend(Decimal(0), last, [earlier], MAX_POWER_W) is None


def test_only_the_total_outlet_register_is_billed() -> None:
    def sample(**kw: str) -> MeterSample:
        return MeterSample(T0, kw.pop("measurand", ENERGY_REGISTER), Decimal(1), "Wh", **kw)

    assert is_main_register(sample())
    assert is_main_register(sample(location="Outlet"))
    assert not is_main_register(sample(phase="L1"))
    assert not is_main_register(sample(location="Inlet"))
    assert not is_main_register(sample(measurand="Power.Active.Import"))
