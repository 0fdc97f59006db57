from datetime import UTC, datetime
from decimal import Decimal

from laddnet.adapters.db.session_cache import SessionCache
from laddnet.domain.sessions.model import ChargingSession, SessionStatus

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
