"""Health alerts: a station whose health score falls below `health_min_score` gets a
`health_low` alert (and so a ticket) before drivers start failing on it; the alert closes when
the score recovers. A station is scored again after the events that move its score (sessions
ending, boots, lost connections, status changes) and, while alerted, every timer round (the
week's window slides without events), in rounds at most every `LADDNET_HEALTH_INTERVAL` seconds:
a busy station's hundred status changes cost one scoring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.alerts import Alert, AlertKey, AlertKind, Condition, RuleSet
from laddnet.domain.maintenance.health import (
    WINDOW,
    ConnectorSignals,
    StationHealth,
    station_health,
)
from laddnet.ports import UnitOfWork
from laddnet.services.maintenance.evaluation import close, open_alert

HEALTH_EVENTS = frozenset(
    {
        EventType.SESSION_ENDED.value,
        EventType.STATION_BOOTED.value,
        EventType.STATION_DISCONNECTED.value,
        EventType.CONNECTOR_STATUS_CHANGED.value,
    }
)


@dataclass(frozen=True, slots=True)
class HealthPlan:
    rules: RuleSet
    open: list[tuple[Condition, str | None]]
    close: list[Alert]


def plan_health(uow: UnitOfWork, station_ids: Sequence[str], now: datetime) -> HealthPlan:
    """Read-only: which stations' health alerts to open or close."""
    rules = uow.maintenance.rule_set()
    stations = uow.maintenance.stations_by_id(station_ids)
    resting = uow.maintenance.maintenance_of(station_ids)
    to_open: list[tuple[Condition, str | None]] = []
    to_close: list[Alert] = []
    for sid in station_ids:
        station = stations.get(sid)
        if station is None or station.decommissioned_at is not None:
            continue
        threshold = rules.for_site(station.site_id).health_min_score
        key = AlertKey(sid, 0, 0, AlertKind.HEALTH_LOW)
        current = [a for a in uow.maintenance.open_alerts(station_id=sid) if a.key == key]
        if threshold <= 0 or sid in resting:  # not scored: nothing to alert
            to_close.extend(current)
            continue
        health = health_of(uow, sid, now)
        if health.score >= threshold:
            to_close.extend(current)
        elif not current:
            details = {"score": health.score, "reasons": list(health.reasons)}
            to_open.append((Condition(key, now, details), station.site_id))
    return HealthPlan(rules, to_open, to_close)


def health_of(uow: UnitOfWork, station_id: str, now: datetime) -> StationHealth:
    """The station's and its connectors' health over the window up to `now`."""
    since = now - WINDOW
    station = uow.stations.get(StationId(station_id))
    whole, connectors = uow.health.signals(station_id, since)
    signals = {(c.evse_id, c.connector_id): c for c in connectors}
    for c in station.connectors if station else ():
        if c.evse_id > 0 and c.connector_id > 0 and (c.evse_id, c.connector_id) not in signals:
            signals[(c.evse_id, c.connector_id)] = ConnectorSignals(c.evse_id, c.connector_id)
    return station_health(whole, tuple(signals.values()), now)


def apply_health(uow: UnitOfWork, plan: HealthPlan, now: datetime) -> None:
    for condition, site_id in plan.open:
        open_alert(uow, condition, site_id, now, plan.rules)
    close(uow, plan.close, now, "health recovered")


def alerted_stations(uow: UnitOfWork) -> list[str]:
    return sorted(
        {a.key.station_id for a in uow.maintenance.open_alerts(kinds=[AlertKind.HEALTH_LOW])}
    )
