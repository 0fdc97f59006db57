from laddnet.ocpp.context import BootAdmission


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_admits_up_to_the_limit_then_pending_until_one_leaves() -> None:
    admission = BootAdmission(limit=2, clock=FakeClock())
    first, second = admission.try_enter(), admission.try_enter()
    assert first is not None and second is not None
    assert admission.try_enter() is None
    admission.leave(first)
    assert admission.try_enter() is not None


def test_a_boot_waiting_too_long_turns_new_boots_away_until_it_is_answered() -> None:
    clock = FakeClock()
    admission = BootAdmission(limit=100, slow_after=10.0, clock=clock)
    slow = admission.try_enter()
    assert slow is not None
    clock.now = 9.0
    recent = admission.try_enter()
    assert recent is not None
    clock.now = 10.5
    assert admission.try_enter() is None  # the oldest has waited 10.5 s
    admission.leave(slow)
    assert admission.try_enter() is not None  # the oldest now waited 1.5 s


def test_leaving_twice_or_with_an_unknown_ticket_changes_nothing() -> None:
    admission = BootAdmission(limit=1, clock=FakeClock())
    ticket = admission.try_enter()
    assert ticket is not None
    admission.leave(ticket)
    admission.leave(ticket)
    admission.leave(12345)
    assert admission.try_enter() is not None
    assert admission.try_enter() is None


def test_retry_interval_is_jittered_within_bounds() -> None:
    admission = BootAdmission(limit=1)
    intervals = {admission.retry_interval() for _ in range(200)}
    assert min(intervals) >= 5
    assert max(intervals) <= 30
    assert len(intervals) > 5


def test_room_is_what_try_enter_would_admit_and_none_while_the_oldest_is_slow() -> None:
    clock = FakeClock()
    admission = BootAdmission(limit=3, slow_after=10.0, clock=clock)
    assert admission.room() == 3
    ticket = admission.try_enter()
    assert ticket is not None
    assert admission.room() == 2
    clock.now = 10.5
    assert admission.room() == 0  # the oldest has waited 10.5 s
    admission.leave(ticket)
    assert admission.room() == 3
