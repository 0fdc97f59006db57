"""What the monitor does with the database: service statuses and the timed alert rules are
planned on a reader (`plan_*`) and only their changes written (`apply_*`), so the writer the
stations' messages wait for does no searching; the events that open or close the other alerts
are handled in one small unit of work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from laddnet.domain.events import Event, EventType
from laddnet.domain.ids import StationId
from laddnet.domain.maintenance.alerts import (
    FIRMWARE_FAILURES,
    FIRMWARE_SUCCESS,
    TIMED_KINDS,
    Alert,
    AlertKey,
    AlertKind,
    AlertRules,
    Condition,
    Decision,
    RuleSet,
    failed_run,
    reconcile,
    remember_boot,
    security_details,
    security_quiet,
    still_holding,
    timed_conditions,
)
from laddnet.domain.maintenance.recovery import recovers_first
from laddnet.domain.maintenance.service_status import (
    Assessed,
    ServiceStatus,
    assess,
    health_reason,
)
from laddnet.domain.stations.model import Station
from laddnet.ports import UnitOfWork
from laddnet.services.maintenance.tickets import after_alert_closed, ticket_for_alert

MAINTENANCE_REASON = "maintenance mode"
_PRESENCE = frozenset({EventType.STATION_CONNECTED.value, EventType.STATION_DISCONNECTED.value})
_LONG_AGO = timedelta(days=36_500)


def alert_data(alert: Alert) -> dict[str, Any]:
    """An alert as events and the API show it."""
    return {
        "id": alert.id,
        "kind": alert.key.kind.value,
        "severity": alert.severity.value,
        "station_id": alert.key.station_id,
        "evse_id": alert.key.evse_id,
        "connector_id": alert.key.connector_id,
        "site_id": alert.site_id,
        "opened_at": alert.opened_at.isoformat(),
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
        "close_reason": alert.close_reason,
        "details": alert.details,
    }


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A service status that changed, or a connection change no event told of."""

    station_id: str
    key: tuple[int, int] = (0, 0)
    found: Assessed | None = None
    previous: ServiceStatus | None = None
    connected: bool | None = None  # set: a presence row to add


def plan_service_statuses(uow: UnitOfWork, station_ids: Sequence[str]) -> list[StatusUpdate]:
    """Read-only: what changed in the stations' service statuses (run it on a reader, so the
    writer, which the stations' messages wait for, only gets the changes)."""
    stored = uow.maintenance.service_statuses(station_ids)
    modes = uow.maintenance.maintenance_of(station_ids)
    found_stations = uow.maintenance.stations_by_id(station_ids)
    presences = uow.uptime.last_presences(station_ids)
    low = health_lows(uow, found_stations)
    updates: list[StatusUpdate] = []
    for sid in station_ids:
        station = found_stations.get(sid)
        if station is None or station.decommissioned_at is not None:
            continue
        known = presences.get(sid)  # None: connected, as far as uptime knows
        if station.connected is not (known is not False):
            # A change no event told of (a node restarted and cleared its stations' presence).
            updates.append(StatusUpdate(sid, connected=station.connected))
        assessed = assess(station, in_maintenance=sid in modes, health_low=low.get(sid))
        for key, found in assessed.items():
            old = stored[sid].get(key)
            if old is None or old.status is not found.status:
                previous = old.status if old else None
                updates.append(StatusUpdate(sid, key, found, previous))
    return updates


def health_lows(uow: UnitOfWork, stations: dict[str, Station]) -> dict[str, str]:
    """Why each of `stations` with an open `health_low` alert needs maintenance."""
    alerts = [
        a
        for a in uow.maintenance.open_alerts(kinds=[AlertKind.HEALTH_LOW])
        if a.key.station_id in stations
    ]
    if not alerts:
        return {}
    rules = uow.maintenance.rule_set()
    out = {}
    for a in alerts:
        threshold = rules.for_site(stations[a.key.station_id].site_id).health_min_score
        out[a.key.station_id] = health_reason(a.details.get("score"), threshold)
    return out


def apply_service_statuses(uow: UnitOfWork, updates: Sequence[StatusUpdate], now: datetime) -> None:
    """Store and announce what `plan_service_statuses` found."""
    for u in updates:
        if u.connected is not None:
            uow.uptime.add_presence(u.station_id, u.connected, now)
        if u.found is None:
            continue
        sid, key, found = u.station_id, u.key, u.found
        uow.maintenance.save_service_status(sid, key, found.status, found.reason, now)
        data = {
            "evse_id": key[0],
            "connector_id": key[1],
            "status": found.status.value,
            "previous": u.previous.value if u.previous else None,
            "reason": found.reason,
        }
        uow.outbox.add(EventType.SERVICE_STATUS_CHANGED.value, sid, data, now)


def open_alert(
    uow: UnitOfWork,
    condition: Condition,
    site_id: str | None,
    now: datetime,
    rules: RuleSet | None = None,
) -> None:
    alert = uow.maintenance.open_alert(condition, site_id, now)
    if alert is not None:
        uow.outbox.add(EventType.ALERT_OPENED.value, alert.key.station_id, alert_data(alert), now)
        site_rules = (rules or uow.maintenance.rule_set()).for_site(site_id)
        # A fault automatic recovery may clear gets its ticket only once recovery has failed.
        if site_rules.open_tickets and not recovers_first(alert.key.kind, site_rules):
            ticket_for_alert(uow, alert, now)


def close(uow: UnitOfWork, alerts: Iterable[Alert], now: datetime, reason: str) -> None:
    for a in alerts:
        closed = uow.maintenance.close_alert(a.id, now, reason)
        if closed is not None:
            data = alert_data(closed)
            uow.outbox.add(EventType.ALERT_CLOSED.value, closed.key.station_id, data, now)
            after_alert_closed(uow, closed, reason, now, resolve=reason != MAINTENANCE_REASON)
            if reason != MAINTENANCE_REASON:
                uow.recovery.cleared(closed.id)


@dataclass(frozen=True, slots=True)
class TimedPlan:
    rules: RuleSet
    decision: Decision
    sites: dict[str, str | None]
    resting: frozenset[str]  # stations in maintenance mode among those whose alerts close

    def parts(self, size: int) -> list[TimedPlan]:
        """The plan cut into plans of at most `size` openings and closings each."""
        steps = [
            *((c, None) for c in self.decision.open),
            *((None, a) for a in self.decision.close),
        ]
        out = []
        for i in range(0, len(steps), size):
            chunk = steps[i : i + size]
            decision = Decision(
                [c for c, _ in chunk if c is not None], [a for _, a in chunk if a is not None]
            )
            out.append(replace(self, decision=decision))
        return out


def plan_timed(uow: UnitOfWork, now: datetime, booted_since: datetime | None = None) -> TimedPlan:
    """Read-only: which alerts of the timed rules to open and which to close. `booted_since`:
    the boot-loop rule looks only at stations that booted since then or are alerted for a boot
    loop (a boot loop begins with a boot), not at all that booted within its window: after a
    boot storm that would be every station, at every pass, for the window's length."""
    rules = uow.maintenance.rule_set()
    every = rules.all_rules()
    silent = [r.heartbeat_missing_minutes for r in every if r.heartbeat_missing_minutes]
    silent_before = now - timedelta(minutes=min(silent)) if silent else now - _LONG_AGO
    booted_after = now - timedelta(minutes=max(r.boot_loop_minutes for r in every))
    facts = uow.maintenance.timed_facts(
        silent_before=silent_before, booted_after=booted_after, booted_since=booted_since
    )
    decision = reconcile(
        uow.maintenance.open_alerts(kinds=sorted(TIMED_KINDS)),
        timed_conditions(facts, rules, now),
        keep=still_holding(facts),
        offline=frozenset(f.station_id for f in facts if not f.connected),
    )
    sites = {f.station_id: f.site_id for f in facts}
    quiet = _quiet_security_alerts(uow, rules, now)
    if quiet:
        decision = Decision(decision.open, [*decision.close, *quiet])
    resting = uow.maintenance.maintenance_of(sorted({a.key.station_id for a in decision.close}))
    return TimedPlan(rules, decision, sites, frozenset(resting))


def apply_timed(uow: UnitOfWork, plan: TimedPlan, now: datetime) -> None:
    """Open and close what `plan_timed` found (idempotent: a unique key and conditional
    closes make a second process's or a stale plan's writes no-ops)."""
    for condition in plan.decision.open:
        open_alert(uow, condition, plan.sites.get(condition.key.station_id), now, plan.rules)
    for alert in plan.decision.close:
        reason = MAINTENANCE_REASON if alert.key.station_id in plan.resting else "cleared"
        if alert.key.kind is AlertKind.SECURITY_CRITICAL and reason == "cleared":
            reason = "quiet"  # no critical security event for security_quiet_minutes
        close(uow, [alert], now, reason)


def on_events(uow: UnitOfWork, events: Sequence[Event], now: datetime) -> None:
    """Boots are remembered for the boot-loop rule; ended sessions and firmware statuses open
    and close their alerts. Nothing opens for a station in maintenance mode."""
    if not events:
        return
    rules = uow.maintenance.rule_set()
    resting = uow.maintenance.maintenance_of(sorted({e.station_id for e in events if e.station_id}))
    for e in events:
        sid = e.station_id
        if sid is None:
            continue
        if e.type in _PRESENCE:
            uow.uptime.add_presence(sid, e.type == EventType.STATION_CONNECTED.value, e.time)
        elif e.type == EventType.STATION_BOOTED.value:
            uow.maintenance.save_boots(
                sid, remember_boot(uow.maintenance.boots(sid), e.time, rules)
            )
            firmware = e.data.get("firmware_version")
            if isinstance(firmware, str) and firmware:
                uow.health.firmware_seen(sid, firmware, e.time)
        elif e.type == EventType.SESSION_ENDED.value and sid not in resting:
            _session_ended(uow, e, rules.for_site(_site(uow, sid)), now)
        elif e.type == EventType.FIRMWARE_STATUS_CHANGED.value and sid not in resting:
            _firmware(uow, e, now)
        elif e.type == EventType.SECURITY_EVENT_RECORDED.value and sid not in resting:
            _security_event(uow, e, rules, now)


def _quiet_security_alerts(uow: UnitOfWork, rules: RuleSet, now: datetime) -> list[Alert]:
    found = uow.maintenance.open_alerts(kinds=[AlertKind.SECURITY_CRITICAL])
    if not found:
        return []
    stations = uow.maintenance.stations_by_id(sorted({a.key.station_id for a in found}))
    out = []
    for a in found:
        station = stations.get(a.key.station_id)
        if security_quiet(a, rules.for_site(station.site_id if station else None), now):
            out.append(a)
    return out


def _security_event(uow: UnitOfWork, e: Event, rules: RuleSet, now: datetime) -> None:
    """A critical security event of a known station opens its `security_critical` alert, or,
    if one is open, is counted on it (and restarts its quiet period)."""
    if e.data.get("severity") != "critical":
        return
    sid = str(e.station_id)
    station = uow.stations.get(StationId(sid))
    if station is None or not rules.for_site(station.site_id).security_critical:
        return
    key = AlertKey(sid, 0, 0, AlertKind.SECURITY_CRITICAL)
    current = [a for a in uow.maintenance.open_alerts(station_id=sid) if a.key == key]
    if current:
        details = security_details(current[0].details, e.data, e.time)
        uow.maintenance.update_alert_details(current[0].id, {**current[0].details, **details})
        return
    condition = Condition(key, e.time, security_details(None, e.data, e.time))
    open_alert(uow, condition, station.site_id, now, rules)


def _site(uow: UnitOfWork, station_id: str) -> str | None:
    return uow.maintenance.site_of(station_id)


def _session_ended(uow: UnitOfWork, e: Event, rules: AlertRules, now: datetime) -> None:
    sid = str(e.station_id)
    session_id = e.data.get("session_id")
    k = rules.failed_sessions_in_a_row
    if not isinstance(session_id, int) or not (rules.meter_anomaly or k):
        return
    open_here = uow.maintenance.open_alerts(station_id=sid)  # read once: each rule has its key
    if rules.meter_anomaly:
        _meter_anomaly(uow, e, session_id, open_here, now)
    if k == 0:
        return
    found = uow.maintenance.last_session_energies(sid, session_id, k)
    if found is None:
        return
    evse, energies = found
    key = AlertKey(sid, evse, 0, AlertKind.FAILED_SESSIONS)
    open_now = [a for a in open_here if a.key == key]
    if failed_run(energies, rules):
        details = {"sessions_in_a_row": k, "last_session_id": session_id}
        open_alert(uow, Condition(key, e.time, details), _site(uow, sid), now)
    elif open_now:
        close(uow, open_now, now, "a session delivered energy")


def _meter_anomaly(
    uow: UnitOfWork, e: Event, session_id: int, open_here: list[Alert], now: datetime
) -> None:
    """A session whose meter readings were flagged (kept out of the bill) opens an alert on
    its EVSE; the next session there without any closes it."""
    session = uow.sessions.get(session_id)
    if session is None or session.evse_id is None:
        return
    sid = str(e.station_id)
    key = AlertKey(sid, session.evse_id, 0, AlertKind.METER_ANOMALY)
    if session.review_required:
        details = {"session_id": session_id, "anomalies": list(session.anomalies)}
        open_alert(uow, Condition(key, e.time, details), _site(uow, sid), now)
        return
    open_now = [a for a in open_here if a.key == key]
    close(uow, open_now, now, "a session without anomalies")


def _firmware(uow: UnitOfWork, e: Event, now: datetime) -> None:
    sid = str(e.station_id)
    status = str(e.data.get("status"))
    key = AlertKey(sid, 0, 0, AlertKind.FIRMWARE_FAILED)
    if status in FIRMWARE_FAILURES:
        if not uow.maintenance.rule_set().for_site(_site(uow, sid)).firmware_failed:
            return
        details = {"status": status, "request_id": e.data.get("request_id")}
        open_alert(uow, Condition(key, e.time, details), _site(uow, sid), now)
    elif status in FIRMWARE_SUCCESS:
        open_now = [a for a in uow.maintenance.open_alerts(station_id=sid) if a.key == key]
        close(uow, open_now, now, f"firmware {status}")
