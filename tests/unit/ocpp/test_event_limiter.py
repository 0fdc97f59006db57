"""The security-event limiter: a flood is reported, not stored row by row."""

from __future__ import annotations

from laddnet.ocpp.event_limiter import SecurityEventLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_is_stored_then_the_rest_is_counted() -> None:
    clock = FakeTime()
    limiter = SecurityEventLimiter(burst=3, window=60, clock=clock)
    results = [limiter.admit("bad_credentials", "10.0.0.1") for _ in range(10)]
    assert results[:3] == [0, 0, 0]
    assert results[3:] == [None] * 7


def test_next_window_reports_how_many_were_suppressed() -> None:
    clock = FakeTime()
    limiter = SecurityEventLimiter(burst=2, window=60, clock=clock)
    for _ in range(5):
        limiter.admit("bad_credentials", "h")
    clock.now = 61
    assert limiter.admit("bad_credentials", "h") == 3
    assert limiter.admit("bad_credentials", "h") == 0


def test_sources_and_kinds_are_limited_separately() -> None:
    limiter = SecurityEventLimiter(burst=1, window=60, clock=FakeTime())
    assert limiter.admit("bad_credentials", "a") == 0
    assert limiter.admit("bad_credentials", "a") is None
    assert limiter.admit("bad_credentials", "b") == 0
    assert limiter.admit("unknown_station", "a") == 0


def test_memory_stays_bounded_under_a_spread_out_flood() -> None:
    limiter = SecurityEventLimiter(burst=1, window=60, clock=FakeTime(), max_sources=100)
    for n in range(1000):
        assert limiter.admit("bad_credentials", f"host-{n}") == 0
    assert len(limiter._buckets) <= 100
