"""Connection-rate limits per address and per station id, in a sliding window."""

from __future__ import annotations

from laddnet.ocpp.connection_rate import ConnectionRateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_station_id_over_its_limit_is_refused_until_the_window_frees() -> None:
    clock = Clock()
    limit = ConnectionRateLimit(2, 0, 60.0, clock)
    assert limit.by_station("CP-1") is None
    clock.now += 10
    assert limit.by_station("CP-1") is None
    refused = limit.by_station("CP-1")
    assert refused is not None
    assert refused.status == 429
    assert refused.retry_after == 50  # the oldest connection ages out in 50 s
    assert refused.event is not None and refused.event.value == "connection_rate_limited"
    assert limit.by_station("CP-2") is None  # another id has its own share
    clock.now += 50
    assert limit.by_station("CP-1") is None  # refused attempts were not counted


def test_addresses_have_their_own_limit_and_zero_means_none() -> None:
    clock = Clock()
    limit = ConnectionRateLimit(0, 3, 60.0, clock)
    for _ in range(3):
        assert limit.by_address("192.0.2.1") is None
    assert limit.by_address("192.0.2.1") is not None
    assert limit.by_address("192.0.2.2") is None
    for _ in range(100):
        assert limit.by_station("CP-1") is None
