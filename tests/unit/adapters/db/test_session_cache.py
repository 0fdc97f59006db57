import gc
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from laddnet.adapters.db.session_cache import SessionCache
from laddnet.domain.sessions.model import ChargingSession, RegisterReading, SessionStatus

T0 = datetime(2026, 11, 26, 8, tzinfo=UTC)


def session(session_id: int, station_id: str) -> ChargingSession:
    return ChargingSession(
        id=session_id,
        station_id=station_id,
        transaction_ref=f"tx-{session_id}",
        ocpp_version="2.0.1",
        evse_id=1,
        connector_id=1,
        id_token="TAG",
        status=SessionStatus.ACTIVE,
        started_at=T0,
        stopped_at=None,
        stop_reason=None,
        meter_start_wh=Decimal(0),
        meter_stop_wh=None,
        energy_wh=Decimal(0),
        review_required=False,
        anomalies=(),
    )


def test_forgetting_a_station_forgets_only_its_sessions_by_id_and_by_transaction() -> None:
    cache = SessionCache()
    for s in (session(1, "CP-A"), session(2, "CP-A"), session(3, "CP-B")):
        cache.put(s)
    cache.forget_station("CP-A")
    assert cache.get(1) is None and cache.get(2) is None
    assert cache.by_ref("CP-A", "tx-1") is None
    assert cache.by_ref("CP-B", "tx-3") == session(3, "CP-B")
    assert len(cache) == 1
    cache.forget_station("CP-UNKNOWN")  # nothing cached: nothing to do
    assert len(cache) == 1


def test_evicted_sessions_leave_no_trace_in_the_station_index() -> None:
    cache = SessionCache(limit=10)
    for i in range(25):
        cache.put(session(i, f"CP-{i % 3}"))
    assert len(cache) <= 10
    for station in ("CP-0", "CP-1", "CP-2"):
        cache.forget_station(station)
    assert len(cache) == 0
    assert cache._by_station == {}  # white-box: the index must not grow without end


def test_a_meter_value_changes_the_cached_energy_and_nothing_else() -> None:
    cache = SessionCache()
    cache.put(session(1, "CP-A"))
    last = RegisterReading(T0 + timedelta(minutes=5), Decimal("1500.5"))
    cache.set_energy(1, Decimal("1500.5"), last, ("power_over_limit",))

    updated = cache.get(1)
    assert updated == session(1, "CP-A").with_energy(Decimal("1500.5"), last, ("power_over_limit",))
    assert updated is not None and updated.review_required
    assert cache.by_ref("CP-A", "tx-1") == updated

    cache.set_energy(1, Decimal(1600), None, ())
    after = cache.get(1)
    assert after is not None
    assert (after.energy_wh, after.last_register, after.anomalies) == (Decimal(1600), None, ())


def test_the_energy_of_a_session_not_cached_is_not_cached_either() -> None:
    cache = SessionCache()
    cache.set_energy(7, Decimal(10), None, ())
    assert cache.get(7) is None and len(cache) == 0


def test_a_meter_value_leaves_no_new_object_in_the_cache() -> None:
    cache = SessionCache()
    cache.put(session(1, "CP-A"))
    gc.collect()  # everything alive now is old: the young generation starts empty
    gc.disable()
    try:
        for minute in range(1, 100):
            reading = RegisterReading(T0 + timedelta(minutes=minute), Decimal(minute * 100))
            cache.set_energy(1, reading.wh, reading, ())
        del reading
        young = [o for o in gc.get_objects(0) if isinstance(o, ChargingSession | RegisterReading)]
    finally:
        gc.enable()
    assert young == []  # changed in place: nothing new for the collector to walk
    assert cache.get(1) is not None
