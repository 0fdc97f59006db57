"""Ports: service statuses, maintenance mode, alerts and alert rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from laddnet.domain.maintenance.alerts import (
    Alert,
    AlertKind,
    Condition,
    RuleSet,
    Severity,
    StationFacts,
)
from laddnet.domain.maintenance.health import ConnectorSignals, HealthSignals
from laddnet.domain.maintenance.model import MaintenanceMode, StoredStatus
from laddnet.domain.maintenance.notify import Recipient
from laddnet.domain.maintenance.recovery import Attempt
from laddnet.domain.maintenance.service_status import ServiceStatus
from laddnet.domain.maintenance.tickets import Ticket
from laddnet.domain.maintenance.uptime import Interval, Reading
from laddnet.domain.stations.model import Station

StatusKey = tuple[int, int]  # (evse_id, connector_id); (0, 0) the station itself


class MaintenanceStore(Protocol):
    # service statuses
    def service_statuses(
        self, station_ids: Sequence[str]
    ) -> dict[str, dict[StatusKey, StoredStatus]]: ...
    def save_service_status(
        self, station_id: str, key: StatusKey, status: ServiceStatus, reason: str, since: datetime
    ) -> None: ...
    def stations_by_id(self, station_ids: Sequence[str]) -> dict[str, Station]: ...
    def site_of(self, station_id: str) -> str | None:
        """The station's site (None: none, or no such station)."""
        ...

    def drifted_stations(self, limit: int) -> list[str]:
        """Stations whose stored station-level status contradicts their connection (a node
        restarted and cleared its stations' presence) or that have none yet."""
        ...

    # maintenance mode and boots
    def maintenance_of(self, station_ids: Sequence[str]) -> dict[str, MaintenanceMode]: ...
    def set_maintenance(self, station_id: str, mode: MaintenanceMode | None) -> None: ...
    def maintenance_over(self, now: datetime) -> list[str]: ...
    def boots(self, station_id: str) -> tuple[datetime, ...]: ...
    def save_boots(self, station_id: str, boots: Sequence[datetime]) -> None: ...

    # alerts
    def open_alerts(
        self, *, station_id: str | None = None, kinds: Sequence[AlertKind] | None = None
    ) -> list[Alert]: ...
    def open_alert(self, condition: Condition, site_id: str | None, now: datetime) -> Alert | None:
        """Open an alert for the condition; None if one is open for its key already."""
        ...

    def close_alert(self, alert_id: int, now: datetime, reason: str) -> Alert | None:
        """Close an open alert; None if it was closed already."""
        ...

    def update_alert_details(self, alert_id: int, details: Mapping[str, Any]) -> None:
        """Replace an open alert's details (a repeated cause counted on it)."""
        ...

    def get_alert(self, alert_id: int) -> Alert | None: ...

    def list_alerts(
        self,
        *,
        status: str | None,
        station_id: str | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Alert], int]: ...

    # rules
    def rule_set(self) -> RuleSet: ...
    def save_rules(
        self, scope: str, overrides: Mapping[str, Any], by: str, now: datetime
    ) -> None: ...

    # facts for the timer
    def timed_facts(
        self,
        *,
        silent_before: datetime,
        booted_after: datetime,
        booted_since: datetime | None = None,
    ) -> list[StationFacts]:
        """Stations (not decommissioned, not in maintenance) that are offline, silent since
        `silent_before`, booted after `booted_after` (and after `booted_since`, if given; or
        have an open boot-loop alert), or have something needing maintenance. Their boots are
        those after `booted_after`."""
        ...

    def last_session_energies(
        self, station_id: str, session_id: int, limit: int
    ) -> tuple[int, list[Decimal]] | None:
        """The EVSE of a session and the energy (Wh) of the newest
        `limit` completed sessions on it, newest first."""
        ...


class TicketStore(Protocol):
    def add(self, values: dict[str, Any], *, unique_active: bool) -> int | None: ...
    def active_for(self, station_id: str, cause: str) -> Ticket | None: ...
    def get(self, ticket_id: int) -> Ticket | None: ...
    def find(
        self,
        *,
        status: str | None,
        station_id: str | None,
        site_id: str | None,
        assignee: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Ticket], int]: ...
    def opened_between(
        self, start: datetime, end: datetime, site_id: str | None
    ) -> tuple[list[Ticket], dict[str | None, str]]: ...
    def update(self, ticket_id: int, values: dict[str, Any]) -> None: ...
    def set_active(self, ticket_id: int, active: bool) -> bool: ...
    def link_alert(self, ticket_id: int, alert_id: int) -> None: ...
    def tickets_of_alert(self, alert_id: int) -> list[int]: ...
    def open_alerts_linked(self, ticket_id: int) -> int: ...
    def add_entry(self, ticket_id: int, kind: str, text: str, actor: str, at: datetime) -> None: ...


class UptimeStore(Protocol):
    def add_presence(self, station_id: str, connected: bool, at: datetime) -> None: ...
    def last_presence(self, station_id: str) -> bool | None: ...
    def last_presences(self, station_ids: Sequence[str]) -> dict[str, bool]: ...
    def open_window(self, station_id: str, at: datetime, reason: str, by: str) -> None: ...
    def close_window(self, station_id: str, at: datetime) -> None: ...
    def add_exclusion(
        self, station_id: str, start: datetime, end: datetime, reason: str, by: str, now: datetime
    ) -> int: ...
    def exclusions(self, station_id: str | None, limit: int) -> list[dict[str, Any]]: ...
    def report_stations(self, site_id: str | None) -> list[tuple[str, str | None, str]]: ...
    def readings(
        self, station_id: str, start: datetime, end: datetime
    ) -> dict[StatusKey, list[Reading]]: ...
    def presence(
        self, station_id: str, start: datetime, end: datetime
    ) -> list[tuple[datetime, bool]]: ...
    def excluded(self, station_id: str, start: datetime, end: datetime) -> list[Interval]: ...


class RecoveryLog(Protocol):
    def attempts_for(self, alert_ids: Sequence[int]) -> dict[int, list[Attempt]]: ...
    def attempts_since(self, station_ids: Sequence[str], since: datetime) -> dict[str, int]: ...
    def charging(self, station_ids: Sequence[str]) -> set[str]: ...
    def claim(self, station_id: str, attempt: Attempt) -> bool: ...
    def answered(
        self,
        alert_id: int,
        step: int,
        command_id: int | None,
        status: str | None,
        error: str | None,
    ) -> None: ...
    def cleared(self, alert_id: int) -> None: ...


class NotificationStore(Protocol):
    def add_recipient(
        self, email: str, site_id: str | None, min_severity: Severity, by: str, now: datetime
    ) -> int: ...
    def recipients(self) -> list[Recipient]: ...
    def delete_recipient(self, recipient_id: int) -> bool: ...
    def claim(self, event_ids: list[int], email: str, now: datetime) -> list[int]: ...
    def record(
        self, event_ids: list[int], email: str, status: str, attempts: int, error: str | None
    ) -> None: ...
    def failures(self, limit: int) -> list[dict[str, Any]]: ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str) -> None:
        """Send one e-mail; OSError or smtplib.SMTPException if it could not."""
        ...


class HealthStore(Protocol):
    def signals(
        self, station_id: str, since: datetime
    ) -> tuple[HealthSignals, tuple[ConnectorSignals, ...]]:
        """The station's signals over the window, and each connector's that has any."""
        ...

    def firmware_seen(self, station_id: str, version: str, at: datetime) -> None:
        """Note the firmware a station booted with; a new version restarts its age."""
        ...
