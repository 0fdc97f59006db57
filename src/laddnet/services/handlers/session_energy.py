"""A session's samples stored and its billable energy brought up to date (inside the unit of
work of a meter value, a stop or a transaction event)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from laddnet.domain.sessions.meter import assess, extend, is_main_register
from laddnet.domain.sessions.model import Anomaly, ChargingSession, MeterSample, RegisterReading
from laddnet.domain.sessions.plausibility import start_register_anomaly
from laddnet.ports import UnitOfWork


def store_and_count(
    uow: UnitOfWork,
    session: ChargingSession,
    evse_id: int,
    samples: Sequence[MeterSample],
    now: datetime,
    max_power_w: int,
) -> Decimal:
    """Store a session's samples and bring its billable energy up to date: incrementally when
    every new register reading is later than the last one counted, as they usually are.
    Returns the billable energy now.

    Samples not later than that reading (a 1.6 StopTransaction's transactionData, an offline
    queue) are stored first: if they were all stored before (re-sent), they change nothing;
    if a register reading among them is new, the whole walk is recomputed.
    """
    last = session.last_register
    negative_start = start_register_anomaly(session.meter_start_wh) is not None
    if last is None or Anomaly.UNKNOWN_START in session.anomalies or negative_start:
        # No counted reading to start from, or an unknown or negative start (billed as 0
        # until reviewed).
        uow.sessions.add_samples(session.station_id, evse_id, session.id, samples, now)
        if any(is_main_register(s) for s in samples):
            return _reassess(uow, session, max_power_w)
        return session.energy_wh
    stale = [s for s in samples if s.sampled_at <= last.at]
    fresh = [s for s in samples if s.sampled_at > last.at]
    stored = uow.sessions.add_samples(session.station_id, evse_id, session.id, stale, now)
    uow.sessions.add_samples(session.station_id, evse_id, session.id, fresh, now)
    if stored and any(is_main_register(s) for s in stale):
        return _reassess(uow, session, max_power_w)
    readings = [RegisterReading(s.sampled_at, s.value) for s in fresh if is_main_register(s)]
    result = extend(session.energy_wh, last, readings, max_power_w) if readings else None
    if result is None:
        return session.energy_wh  # no new register reading
    anomalies = sorted({*session.anomalies, *(a.value for a in result.anomalies)})
    uow.sessions.update_energy(session.id, result.energy_wh, result.last, anomalies)
    return result.energy_wh


def _reassess(uow: UnitOfWork, session: ChargingSession, max_power_w: int) -> Decimal:
    """Recompute billable energy from every stored register reading, in station time.

    `session` may predate this unit of work's own updates: none of them touch the anomalies or
    the meter start read here.
    """
    session_id = session.id
    readings = sorted(uow.sessions.register_readings(session_id), key=lambda r: (r.at, r.wh))
    start_known = Anomaly.UNKNOWN_START.value not in session.anomalies
    first = readings[0] if readings and start_known else None
    rest = readings[1:] if first is not None else readings
    result = assess(first, rest, max_power_w)
    if session.meter_start_wh is None and first is not None:
        uow.sessions.update(session_id, meter_start_wh=first.wh)  # 2.0.1: the first reading
    anomalies = sorted({*session.anomalies, *(a.value for a in result.anomalies)})
    uow.sessions.update_energy(session_id, result.energy_wh, result.last, anomalies)
    return result.energy_wh
