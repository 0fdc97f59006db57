"""A session priced up to a moment with the tariff version it started with: the running cost
shown in the API, and the final cost a 2.0.1 station is told when its transaction ends."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.recorded import recorded_usage
from laddnet.domain.pricing.records import TariffId, TariffVersion
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.sessions.model import ChargingSession
from laddnet.ports import UnitOfWork

NO_SITE_TIME_ZONE = "UTC"  # a station on no site has no local time
Versions = dict[tuple[TariffId, int], TariffVersion]


def priced_until(
    uow: UnitOfWork, session: ChargingSession, now: datetime, versions: Versions
) -> tuple[str, int, PricedSession] | None:
    """(tariff id, version, priced) up to the session's stop, or to now (at least its last
    reading) while it runs; None without a start or a tariff."""
    if session.started_at is None:
        return None
    pinned = uow.tariffs.pinned(session.id)
    if pinned is None:
        return None
    stored = versions.get(pinned)
    if stored is None:
        stored = uow.tariffs.get(*pinned)
        if stored is None:
            return None
        versions[pinned] = stored
    readings = uow.sessions.register_readings(session.id)
    last = max((r.at for r in readings), default=session.started_at)
    until = session.stopped_at or max(now, last, session.started_at)
    _, zone = uow.cdrs.place(session.station_id)
    states = uow.cdrs.charging_states(
        session.station_id, session.evse_id, session.started_at, until
    )
    usage = recorded_usage(session.started_at, until, readings, states)
    priced = price(stored.tariff, usage, ZoneInfo(zone or NO_SITE_TIME_ZONE))
    return stored.tariff_id, stored.version, priced
