"""Alerts, alert rules and maintenance mode on the wire."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.stations import MaintenanceOut
from laddnet.domain.maintenance.alerts import Alert, AlertKind, RuleSet, Severity
from laddnet.domain.maintenance.recovery import Attempt, RecoveryAction
from laddnet.services.maintenance.service import MaintenanceChange


class RecoveryOut(BaseModel):
    step: int
    action: RecoveryAction
    at: UtcDateTime
    command_id: int | None = Field(description="In the station's command log")
    status: str | None = Field(description="The station's answer (Accepted, Rejected, ...)")
    error: str | None = Field(description="Why no answer came (offline, timeout, ...)")
    cleared: bool | None = Field(
        description="Whether the fault cleared after it; null: not yet known"
    )

    @classmethod
    def from_domain(cls, a: Attempt) -> RecoveryOut:
        return cls(
            step=a.step,
            action=a.action,
            at=a.at,
            command_id=a.command_id,
            status=a.status,
            error=a.error,
            cleared=a.cleared,
        )


class AlertOut(BaseModel):
    id: int
    kind: AlertKind
    severity: Severity
    station_id: str
    evse_id: int = Field(description="0: the station as a whole")
    connector_id: int = Field(description="0: the EVSE (or the station) as a whole")
    site_id: str | None
    opened_at: UtcDateTime
    closed_at: UtcDateTime | None
    close_reason: str | None = Field(description="cleared, maintenance mode, ...")
    details: dict[str, Any] = Field(description="What the rule found (since when, why).")
    recovery: list[RecoveryOut] = Field(
        default_factory=list, description="Automatic recovery steps taken, oldest first"
    )

    @classmethod
    def from_domain(cls, a: Alert, attempts: Sequence[Attempt] = ()) -> AlertOut:
        return cls(
            id=a.id,
            kind=a.key.kind,
            severity=a.severity,
            station_id=a.key.station_id,
            evse_id=a.key.evse_id,
            connector_id=a.key.connector_id,
            site_id=a.site_id,
            opened_at=a.opened_at,
            closed_at=a.closed_at,
            close_reason=a.close_reason,
            details=a.details,
            recovery=[RecoveryOut.from_domain(x) for x in attempts],
        )


class AlertPage(BaseModel):
    items: list[AlertOut]
    total: int
    limit: int
    offset: int


class AlertRulesOut(BaseModel):
    defaults: dict[str, Any] = Field(description="Laddnet's defaults.")
    network: dict[str, Any] = Field(description="The network's overrides.")
    sites: dict[str, dict[str, Any]] = Field(description="Each site's overrides.")
    effective: dict[str, Any] = Field(
        description="The rules in force for the network (and the site, if asked for)."
    )

    @classmethod
    def from_domain(cls, rules: RuleSet, site_id: str | None = None) -> AlertRulesOut:
        from laddnet.domain.maintenance.alerts import DEFAULT_RULES

        return cls(
            defaults=asdict(DEFAULT_RULES),
            network=dict(rules.network),
            sites={k: dict(v) for k, v in rules.sites.items()},
            effective=asdict(rules.for_site(site_id)),
        )


class AlertRulesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: str | None = Field(None, description="A site's overrides; absent: the network's.")
    rules: dict[str, Any] = Field(
        description="Overrides replacing the scope's current ones, e.g."
        ' {"station_offline_minutes": 5}; 0 turns a rule off; {} removes them all.'
    )


class MaintenanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: bool
    reason: str = Field("", max_length=255)
    until: AwareDatetime | None = Field(None, description="Ends by itself then (with a zone).")


class MaintenanceResult(BaseModel):
    station_id: str
    maintenance: MaintenanceOut | None = Field(description="null: the mode is off")
    command_status: str | None = Field(
        description="The station's answer to ChangeAvailability (Accepted, Scheduled, ...)"
    )
    command_error: str | None = Field(
        description="Why the station did not answer (offline, ...); the mode holds regardless"
    )

    @classmethod
    def from_domain(cls, change: MaintenanceChange) -> MaintenanceResult:
        return cls(
            station_id=change.station_id,
            maintenance=MaintenanceOut.from_domain(change.mode) if change.mode else None,
            command_status=change.command.status if change.command else None,
            command_error=change.command_error,
        )
