"""Alert rules, the conditions they find in what Laddnet stores, and how open alerts follow.

A rule set has defaults; the network and each site may override any of its values (the site's
override wins). The service gathers facts (stations offline, service statuses, boots, failed
sessions, firmware statuses); `timed_conditions` turns the facts into the conditions that hold
now; `reconcile` says which alerts to open and which to close. One alert per (station, EVSE,
connector, kind) is open at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from laddnet.domain.errors import InvalidInput


class AlertKind(StrEnum):
    STATION_OFFLINE = "station_offline"
    CONNECTOR_FAULTED = "connector_faulted"
    BOOT_LOOP = "boot_loop"
    HEARTBEAT_MISSING = "heartbeat_missing"
    FAILED_SESSIONS = "failed_sessions"
    FIRMWARE_FAILED = "firmware_failed"
    METER_ANOMALY = "meter_anomaly"
    HEALTH_LOW = "health_low"
    SECURITY_CRITICAL = "security_critical"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


SEVERITY: dict[AlertKind, Severity] = {
    AlertKind.STATION_OFFLINE: Severity.CRITICAL,
    AlertKind.CONNECTOR_FAULTED: Severity.CRITICAL,
    AlertKind.BOOT_LOOP: Severity.WARNING,
    AlertKind.HEARTBEAT_MISSING: Severity.WARNING,
    AlertKind.FAILED_SESSIONS: Severity.WARNING,
    AlertKind.FIRMWARE_FAILED: Severity.WARNING,
    AlertKind.METER_ANOMALY: Severity.WARNING,
    AlertKind.HEALTH_LOW: Severity.WARNING,
    AlertKind.SECURITY_CRITICAL: Severity.CRITICAL,
}

# Kinds whose condition the timer re-evaluates from stored state (and closes when it clears);
# the others open and close on the events that make and clear them.
TIMED_KINDS = frozenset(
    {
        AlertKind.STATION_OFFLINE,
        AlertKind.CONNECTOR_FAULTED,
        AlertKind.BOOT_LOOP,
        AlertKind.HEARTBEAT_MISSING,
    }
)

# Firmware statuses (1.6 and 2.0.1) that end an update in failure.
FIRMWARE_FAILURES = frozenset(
    {
        "DownloadFailed",
        "InstallationFailed",
        "InstallVerificationFailed",
        "InvalidSignature",
        "InvalidCertificate",
        "RevokedCertificate",
        "SignatureVerificationFailed",
        "Rejected",
    }
)
FIRMWARE_SUCCESS = frozenset({"Installed"})


@dataclass(frozen=True, slots=True)
class AlertRules:
    """Thresholds; a rule whose first value is 0 is off."""

    station_offline_minutes: int = 10
    connector_faulted_minutes: int = 5
    boot_loop_boots: int = 3
    boot_loop_minutes: int = 30
    heartbeat_missing_minutes: int = 60
    failed_sessions_in_a_row: int = 3
    firmware_failed: bool = True
    meter_anomaly: bool = True  # a session's meter readings flagged for review
    health_min_score: int = 85  # below it a station is alerted and ticketed (bench/health.py)
    open_tickets: bool = True  # every alert goes to a ticket (one per station and cause)
    recovery_soft_reset: bool = True  # a faulted connector's station gets a soft reset
    recovery_hard_reset: bool = False  # then a hard reset, if still faulted (cuts power)
    recovery_hard_reset_after_minutes: int = 10
    recovery_attempts_per_day: int = 3  # per station, in any 24 hours
    recovery_heartbeat_trigger: bool = True  # a silent station is asked for a heartbeat
    recovery_heartbeat_soft_reset: bool = False  # then soft-reset, if still silent
    recovery_failed_sessions_unlock: bool = True  # a connector failing sessions is unlocked
    recovery_failed_sessions_soft_reset: bool = False  # then its station soft-reset
    security_critical: bool = True  # a critical security event opens an alert on its station
    security_quiet_minutes: int = 60  # which closes after this long without another

    def apply(self, overrides: Mapping[str, Any]) -> AlertRules:
        return replace(self, **check_overrides(overrides))


DEFAULT_RULES = AlertRules()
_SWITCHES = frozenset(
    {
        "firmware_failed",
        "meter_anomaly",
        "open_tickets",
        "recovery_soft_reset",
        "recovery_hard_reset",
        "security_critical",
        "recovery_heartbeat_trigger",
        "recovery_heartbeat_soft_reset",
        "recovery_failed_sessions_unlock",
        "recovery_failed_sessions_soft_reset",
    }
)
_LIMITS: dict[str, tuple[int, int]] = {
    "station_offline_minutes": (0, 10_080),
    "connector_faulted_minutes": (0, 10_080),
    "boot_loop_boots": (0, 100),
    "boot_loop_minutes": (1, 1_440),
    "heartbeat_missing_minutes": (0, 10_080),
    "failed_sessions_in_a_row": (0, 100),
    "recovery_hard_reset_after_minutes": (1, 1_440),
    "recovery_attempts_per_day": (0, 50),
    "health_min_score": (0, 100),
    "security_quiet_minutes": (1, 10_080),
}


def check_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The overrides if every name and value is valid; InvalidInput naming the first that is not."""
    known = {f.name for f in fields(AlertRules)}
    out: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in known:
            raise InvalidInput(f"alert rule {name!r} does not exist; known: {sorted(known)}")
        if name in _SWITCHES:
            if not isinstance(value, bool):
                raise InvalidInput(f"alert rule {name!r} must be true or false")
        else:
            low, high = _LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidInput(f"alert rule {name!r} must be a whole number {low}-{high}")
        out[name] = value
    return out


NETWORK_SCOPE = "network"
SITE_SCOPE = "site:"


def scope_of(site_id: str | None) -> str:
    """Where overrides are stored: the network's, or a site's."""
    return NETWORK_SCOPE if site_id is None else f"{SITE_SCOPE}{site_id}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The network's overrides and each site's."""

    network: Mapping[str, Any] = field(default_factory=dict)
    sites: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def for_site(self, site_id: str | None) -> AlertRules:
        rules = DEFAULT_RULES.apply(self.network)
        if site_id is not None and site_id in self.sites:
            rules = rules.apply(self.sites[site_id])
        return rules

    def all_rules(self) -> list[AlertRules]:
        return [self.for_site(None), *(self.for_site(s) for s in self.sites)]


@dataclass(frozen=True, slots=True)
class AlertKey:
    station_id: str
    evse_id: int
    connector_id: int
    kind: AlertKind


@dataclass(frozen=True, slots=True)
class Condition:
    """A cause found now: what to open an alert for (if none is open for its key)."""

    key: AlertKey
    since: datetime
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    key: AlertKey
    severity: Severity
    opened_at: datetime
    closed_at: datetime | None
    details: dict[str, Any]
    site_id: str | None = None
    close_reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# --- Facts the timer gathers ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StationFacts:
    """A station that may meet a timed rule: offline, silent, booting often, or faulted."""

    station_id: str
    site_id: str | None
    connected: bool
    last_seen_at: datetime | None
    boots: tuple[datetime, ...] = ()  # recent boots, newest last
    # (evse_id, connector_id) -> (needs_maintenance since, why); (0, 0): the station itself
    faults: Mapping[tuple[int, int], tuple[datetime, str]] = field(default_factory=dict)


def timed_conditions(
    facts: Iterable[StationFacts], rules: RuleSet, now: datetime
) -> list[Condition]:
    """The timed conditions that hold at `now`. Stations in maintenance mode are not in the
    facts: nothing is alerted for them."""
    out: list[Condition] = []
    for f in facts:
        r = rules.for_site(f.site_id)
        out.extend(_station_conditions(f, r, now))
    return out


def _station_conditions(f: StationFacts, r: AlertRules, now: datetime) -> list[Condition]:
    out: list[Condition] = []

    def key(kind: AlertKind, evse: int = 0, connector: int = 0) -> AlertKey:
        return AlertKey(f.station_id, evse, connector, kind)

    seen = f.last_seen_at
    if seen is not None:
        kind, minutes = (
            (AlertKind.HEARTBEAT_MISSING, r.heartbeat_missing_minutes)
            if f.connected
            else (AlertKind.STATION_OFFLINE, r.station_offline_minutes)
        )
        if minutes and now - seen >= timedelta(minutes=minutes):
            out.append(Condition(key(kind), seen, {"last_seen_at": _iso(seen)}))
    boots = boots_in_window(f.boots, r, now)
    if r.boot_loop_boots and len(boots) >= r.boot_loop_boots:
        counted = {"boots": len(boots), "minutes": r.boot_loop_minutes}
        out.append(Condition(key(AlertKind.BOOT_LOOP), boots[0], counted))
    # The station's own status follows its connectors': alerted apart only when no connector
    # is (a station that reported no connector, or only its own fault).
    faults = {k: v for k, v in f.faults.items() if k != (0, 0)} or f.faults
    if f.connected and r.connector_faulted_minutes:
        for (evse, connector), (since, why) in sorted(faults.items()):
            if now - since >= timedelta(minutes=r.connector_faulted_minutes):
                kind = AlertKind.CONNECTOR_FAULTED
                out.append(Condition(key(kind, evse, connector), since, {"reason": why}))
    return out


def still_holding(facts: Iterable[StationFacts]) -> frozenset[AlertKey]:
    """The fault alerts to keep open although their condition is not (or no longer) due: the
    fault is still there, only younger than the threshold (it came back after a reboot), or
    its station is offline, so nobody knows (a reset's reboot must not close it)."""
    out: set[AlertKey] = set()
    for f in facts:
        for evse, connector in f.faults:
            out.add(AlertKey(f.station_id, evse, connector, AlertKind.CONNECTOR_FAULTED))
    return frozenset(out)


def boots_in_window(
    boots: Sequence[datetime], rules: AlertRules, now: datetime
) -> tuple[datetime, ...]:
    start = now - timedelta(minutes=rules.boot_loop_minutes)
    return tuple(b for b in boots if b > start)


def remember_boot(
    boots: Sequence[datetime], boot: datetime, rules: RuleSet
) -> tuple[datetime, ...]:
    """The boots worth keeping after `boot`: those inside the longest window any rule has, and
    a week's for the health score (at most the last 200)."""
    longest = max(*(r.boot_loop_minutes for r in rules.all_rules()), 7 * 24 * 60)
    start = boot - timedelta(minutes=longest)
    return tuple(sorted({b for b in (*boots, boot) if b > start}))[-200:]


def failed_run(energies: Sequence[Decimal], rules: AlertRules) -> bool:
    """Whether the newest sessions of an EVSE (their energy in Wh, newest first) are
    `failed_sessions_in_a_row` sessions that delivered nothing."""
    k = rules.failed_sessions_in_a_row
    if k == 0 or len(energies) < k:
        return False
    return all(e <= 0 for e in energies[:k])


# --- Critical security events ----------------------------------------------------------


def security_details(
    previous: Mapping[str, Any] | None, data: Mapping[str, Any], at: datetime
) -> dict[str, Any]:
    """The details of a station's `security_critical` alert after one more critical security
    event (`data`: the `security_event.recorded` event's data): the first and last event, how
    many, and each cause (the event's kind, or the OCPP type a station reported) once."""
    cause = str(data.get("type") or data.get("kind"))
    causes = list(previous.get("causes", [])) if previous else []
    if cause not in causes:
        causes.append(cause)
    return {
        "events": int(previous.get("events", 0)) + 1 if previous else 1,
        "causes": causes[:20],
        "last_event_id": data.get("id"),
        "last_detail": str(data.get("detail", ""))[:500],
        "last_at": at.isoformat(),
    }


def security_quiet(alert: Alert, rules: AlertRules, now: datetime) -> bool:
    """Whether a `security_critical` alert has had no further critical event for
    `security_quiet_minutes`: it closes."""
    if alert.key.kind is not AlertKind.SECURITY_CRITICAL or not alert.is_open:
        return False
    raw = alert.details.get("last_at")
    last = datetime.fromisoformat(raw) if isinstance(raw, str) else alert.opened_at
    return now - last >= timedelta(minutes=rules.security_quiet_minutes)


# --- Reconciliation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    open: list[Condition]
    close: list[Alert]


def reconcile(
    open_alerts: Iterable[Alert],
    conditions: Iterable[Condition],
    *,
    kinds: frozenset[AlertKind] = TIMED_KINDS,
    keep: frozenset[AlertKey] = frozenset(),
    offline: frozenset[str] = frozenset(),
) -> Decision:
    """Open an alert for every condition with none open for its key; close every open alert of
    `kinds` whose condition no longer holds, except those in `keep` and the fault alerts of
    `offline` stations (see `still_holding`)."""
    current = {a.key: a for a in open_alerts if a.is_open}
    holding = {c.key: c for c in conditions}
    to_open = [c for k, c in holding.items() if k not in current]
    to_close = [
        a
        for k, a in current.items()
        if k.kind in kinds
        and k not in holding
        and k not in keep
        and not (k.kind is AlertKind.CONNECTOR_FAULTED and k.station_id in offline)
    ]
    return Decision(to_open, to_close)


def _iso(t: datetime) -> str:
    return t.isoformat()
