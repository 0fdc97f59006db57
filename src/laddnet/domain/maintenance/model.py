"""Maintenance mode and stored service statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from laddnet.domain.maintenance.service_status import ServiceStatus


@dataclass(frozen=True, slots=True)
class MaintenanceMode:
    """An operator took the station out of service: why, since when, until when (None: until
    switched off), and who."""

    reason: str
    since: datetime
    until: datetime | None
    by: str

    def over(self, now: datetime) -> bool:
        return self.until is not None and now >= self.until


@dataclass(frozen=True, slots=True)
class StoredStatus:
    """A service status as last computed and stored, and since when it holds."""

    status: ServiceStatus
    reason: str
    since: datetime
