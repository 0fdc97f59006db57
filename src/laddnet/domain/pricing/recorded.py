"""A finished session's usage from what Laddnet recorded: its station times, its energy-register
readings and the charging states its connector reported (1.6 StatusNotification, 2.0.1
TransactionEvent chargingState)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from laddnet.domain.pricing.usage import ChargingChange, Reading, SessionUsage
from laddnet.domain.sessions.model import RegisterReading
from laddnet.domain.stations.model import ChargingState

# Parking (PARKING_TIME): the car is connected but not charging because of itself or its driver.
# SuspendedEVSE (the station or the grid held charging back) is not the driver's parking.
PARKED = frozenset({ChargingState.SUSPENDED_EV, ChargingState.EV_CONNECTED, ChargingState.IDLE})


def recorded_usage(
    started_at: datetime,
    stopped_at: datetime,
    readings: Iterable[RegisterReading],
    states: Iterable[tuple[datetime, ChargingState]],
) -> SessionUsage:
    """The usage between start and stop. Register readings are walked in station time and a
    reading below the highest so far is left out (the meter checks flag such sessions for
    review before they are priced)."""
    walked: list[Reading] = []
    highest: Decimal | None = None
    for r in sorted(readings, key=lambda r: (r.at, r.wh)):
        if not started_at <= r.at <= stopped_at:
            continue
        if highest is not None and r.wh < highest:
            continue
        highest = r.wh
        walked.append(Reading(r.at, r.wh))
    changes: list[ChargingChange] = []
    charging = True
    for at, state in sorted(states, key=lambda s: s[0]):
        if not started_at < at < stopped_at:
            continue
        now_charging = state not in PARKED
        if now_charging != charging:
            changes.append(ChargingChange(at, now_charging))
            charging = now_charging
    return SessionUsage(started_at, stopped_at, tuple(walked), tuple(changes))
