"""Failed logins per key in a sliding window."""

from __future__ import annotations

from laddnet.domain.security.throttle import FailureWindow


def test_throttled_at_the_limit_within_the_window() -> None:
    w = FailureWindow(limit=3, window=60)
    for t in (0, 10, 20):
        assert not w.throttled("CP-1", t)
        w.failed("CP-1", t)
    assert w.throttled("CP-1", 21)
    assert not w.throttled("CP-2", 21)
    assert w.retry_after("CP-1", 21) == 39


def test_failures_age_out() -> None:
    w = FailureWindow(limit=3, window=60)
    for t in (0, 10, 20):
        w.failed("10.0.0.1", t)
    assert w.throttled("10.0.0.1", 59)
    assert not w.throttled("10.0.0.1", 60)  # the first failure is a window old
    assert w.retry_after("10.0.0.1", 60) == 0
    w.failed("10.0.0.1", 61)
    assert w.throttled("10.0.0.1", 61)


def test_keys_are_bounded_forgetting_the_quietest() -> None:
    w = FailureWindow(limit=1, window=60, max_keys=2)
    w.failed("a", 0)
    w.failed("b", 1)
    w.failed("a", 2)  # a is now the most recent
    w.failed("c", 3)  # b goes
    assert w.throttled("a", 4)
    assert w.throttled("c", 4)
    assert not w.throttled("b", 4)


def test_keys_a_window_quiet_are_dropped_when_a_new_key_comes() -> None:
    w = FailureWindow(limit=30, window=60)
    for n in range(1000):  # a storm: every station's connection counted once
        w.failed(f"CP-{n}", n / 100)
    assert len(w) == 1000
    w.failed("CP-late", 59.0)
    assert len(w) == 1001  # none is a window old yet
    w.failed("CP-later", 65.0)  # those counted at 5.0 s or before are (CP-0 to CP-500)
    assert len(w) == 1001 - 501 + 1
    assert not w.throttled("CP-0", 65.0) and w.retry_after("CP-999", 65.0) == 0
    w.failed("CP-999", 65.5)
    w.failed("CP-next", 200.0)
    assert len(w) == 1  # everything else aged out


def test_a_key_keeps_only_its_last_limit_times() -> None:
    w = FailureWindow(limit=3, window=60)
    for t in range(10):
        w.failed("CP-1", t)
    assert w.throttled("CP-1", 10)
    assert w.retry_after("CP-1", 10) == 60 - (10 - 7)  # the oldest kept is the 8th, at 7
