"""Version-neutral station vocabulary (OCPP 2.0.1's) and the connector-status reducer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from laddnet.domain.ids import ConnectorId, EvseId, SiteId, StationId
from laddnet.domain.security.profiles import SecurityProfile


class RegistrationStatus(StrEnum):
    ACCEPTED = "Accepted"
    PENDING = "Pending"
    REJECTED = "Rejected"


class ConnectorStatus(StrEnum):
    AVAILABLE = "Available"
    OCCUPIED = "Occupied"
    RESERVED = "Reserved"
    UNAVAILABLE = "Unavailable"
    FAULTED = "Faulted"


class ChargingState(StrEnum):
    IDLE = "Idle"
    EV_CONNECTED = "EVConnected"
    CHARGING = "Charging"
    SUSPENDED_EV = "SuspendedEV"
    SUSPENDED_EVSE = "SuspendedEVSE"


@dataclass(frozen=True, slots=True)
class StationInfo:
    """What a station tells about itself when it boots."""

    vendor: str
    model: str
    serial_number: str | None = None
    firmware_version: str | None = None


@dataclass(frozen=True, slots=True)
class StatusReport:
    """One connector status as a station reported it, at the station's time."""

    station_id: StationId
    evse_id: EvseId
    connector_id: ConnectorId
    status: ConnectorStatus
    charging_state: ChargingState | None
    error_code: str | None
    reported_at: datetime
    # What the station adds for people (1.6 vendorId, vendorErrorCode, info; 2.0.1 NotifyEvent
    # techCode, techInfo): kept in the status history, not in the live state.
    vendor_id: str | None = None
    vendor_error_code: str | None = None
    info: str | None = None


@dataclass(frozen=True, slots=True)
class ConnectorState:
    status: ConnectorStatus
    charging_state: ChargingState | None
    error_code: str | None
    reported_at: datetime


def reduce_status(current: ConnectorState | None, report: StatusReport) -> ConnectorState | None:
    """Return the connector's new state, or None if the report is older than what we know.

    Offline stations replay queued status reports late; a report older than the current state
    must not overwrite it.
    """
    if current is not None and report.reported_at < current.reported_at:
        return None
    charging = report.charging_state
    if charging is None and report.status is ConnectorStatus.OCCUPIED and current is not None:
        # 2.0.1 reports the charging state with transaction events, not with the status: an
        # "Occupied" status leaves the charging state we know as it is.
        charging = current.charging_state
    return ConnectorState(
        status=report.status,
        charging_state=charging,
        error_code=report.error_code,
        reported_at=report.reported_at,
    )


def reduce_charging_state(
    current: ConnectorState | None, charging: ChargingState, reported_at: datetime
) -> ConnectorState | None:
    """The connector's new state after a 2.0.1 transaction event named its charging state, or
    None if nothing changes (the same state, or older than what we know).

    The status stays what the station last reported; a connector we know nothing of yet is
    Occupied while an EV is connected.
    """
    if current is not None and (
        reported_at < current.reported_at or current.charging_state is charging
    ):
        return None
    if current is None:
        idle = charging is ChargingState.IDLE
        status = ConnectorStatus.AVAILABLE if idle else ConnectorStatus.OCCUPIED
        return ConnectorState(status, charging, None, reported_at)
    return ConnectorState(current.status, charging, current.error_code, reported_at)


# The EVSE id an availability report uses for the station as a whole (1.6 connectorId 0, the
# 2.0.1 ChargingStation component).
WHOLE_STATION = EvseId(0)


@dataclass(frozen=True, slots=True)
class AvailabilityReport:
    """An EVSE's availability, or the whole station's (evse_id WHOLE_STATION), as the station
    reported it. It is no connector's status: an Occupied EVSE may still have a free connector."""

    station_id: StationId
    evse_id: EvseId
    status: ConnectorStatus
    error_code: str | None
    reported_at: datetime
    vendor_id: str | None = None  # as in StatusReport
    vendor_error_code: str | None = None
    info: str | None = None


@dataclass(frozen=True, slots=True)
class Availability:
    status: ConnectorStatus
    error_code: str | None
    reported_at: datetime


def reduce_availability(
    current: Availability | None, report: AvailabilityReport
) -> Availability | None:
    """The new availability, or None if the report is older than what we know (a late replay)."""
    if current is not None and report.reported_at < current.reported_at:
        return None
    return Availability(report.status, report.error_code, report.reported_at)


@dataclass(frozen=True, slots=True)
class Connector:
    evse_id: EvseId
    connector_id: ConnectorId
    state: ConnectorState


@dataclass(frozen=True, slots=True)
class Evse:
    """An EVSE's own availability (2.0.1 reports it apart from its connectors')."""

    evse_id: EvseId
    availability: Availability


@dataclass(frozen=True, slots=True)
class Station:
    """A station as we know it: registration, identity, and live presence."""

    id: StationId
    registration_status: RegistrationStatus | None
    ocpp_version: str | None
    info: StationInfo | None
    connected: bool
    last_seen_at: datetime | None
    last_boot_at: datetime | None
    connectors: tuple[Connector, ...] = ()
    node: str | None = None  # the gateway node holding the connection, while connected
    availability: Availability | None = None  # the whole station's, as it last reported it
    evses: tuple[Evse, ...] = ()  # the EVSEs that reported an availability of their own
    site_id: SiteId | None = None
    display_name: str | None = None
    decommissioned_at: datetime | None = None  # refused at login, left out of lists, if set
    security_profile: SecurityProfile = SecurityProfile.BASIC_AUTH  # the lowest it may use
    allowed_networks: tuple[str, ...] | None = None  # CIDR networks it may connect from
