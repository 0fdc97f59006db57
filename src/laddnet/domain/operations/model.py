"""Version-neutral records of station operations and the status vocabularies they move through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class ConfigurationItem:
    """One value of a station's configuration. A 1.6 key is a variable of component ""."""

    variable: str
    value: str | None
    component: str = ""
    component_instance: str = ""
    evse_id: int = 0
    connector_id: int = 0
    variable_instance: str = ""
    attribute_type: str = "Actual"
    mutability: str | None = None
    characteristics: dict[str, Any] | None = None
    reported_at: datetime | None = None

    @property
    def readonly(self) -> bool:
        return self.mutability == "ReadOnly"


class FirmwareStatus(StrEnum):
    """Where a firmware update stands: what the station answered, then what it reported."""

    REQUESTED = "Requested"
    REJECTED = "Rejected"
    DOWNLOADING = "Downloading"
    DOWNLOADED = "Downloaded"
    DOWNLOAD_FAILED = "DownloadFailed"
    INSTALLING = "Installing"
    INSTALLED = "Installed"
    INSTALLATION_FAILED = "InstallationFailed"


@dataclass(frozen=True, slots=True)
class FirmwareStatusReport:
    status: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class FirmwareUpdate:
    id: int
    station_id: str
    request_id: int
    location: str
    retrieve_at: datetime
    status: str
    requested_at: datetime
    updated_at: datetime
    command_id: int | None = None
    retries: int | None = None
    retry_interval: int | None = None
    statuses: list[FirmwareStatusReport] = field(default_factory=list)


class LogType(StrEnum):
    DIAGNOSTICS = "diagnostics"
    SECURITY = "security"


@dataclass(frozen=True, slots=True)
class LogUpload:
    id: int
    station_id: str
    request_id: int
    log_type: str
    status: str
    requested_at: datetime
    expires_at: datetime
    command_id: int | None = None
    filename: str | None = None
    size_bytes: int | None = None
    uploaded_at: datetime | None = None


class ReservationStatus(StrEnum):
    REQUESTED = "requested"
    ACTIVE = "active"
    USED = "used"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Reservation:
    id: int
    station_id: str
    evse_id: int | None
    id_token: str
    expires_at: datetime
    status: ReservationStatus
    created_at: datetime
    updated_at: datetime
    command_id: int | None = None


def firmware_status_after_answer(answer: str) -> FirmwareStatus:
    """The update's status once the station answered UpdateFirmware (1.6 has no status word)."""
    return (
        FirmwareStatus.REQUESTED
        if answer in ("Accepted", "AcceptedCanceled")
        else (FirmwareStatus.REJECTED)
    )


def reservation_status_after_answer(answer: str) -> ReservationStatus:
    return ReservationStatus.ACTIVE if answer == "Accepted" else ReservationStatus.REJECTED


def parse_utc(text: str) -> datetime:
    """An ISO 8601 time from a command body (always with an offset) as aware UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time without an offset: {text!r}")
    return value.astimezone(UTC)
