"""Status history: which accepted status reports changed something worth a history row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.model import (
    Availability,
    AvailabilityReport,
    ChargingState,
    ConnectorState,
    ConnectorStatus,
    StatusReport,
)

# The connector id of a row about an EVSE's own availability (evse_id 0 too: the station's).
EVSE_ITSELF = ConnectorId(0)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A change of a connector's status, an EVSE's (connector_id 0) or the whole station's
    (evse_id 0, connector_id 0), as reported: at the station's time and at our receive time."""

    station_id: StationId
    evse_id: EvseId
    connector_id: ConnectorId
    status: ConnectorStatus
    charging_state: ChargingState | None
    error_code: str | None
    vendor_id: str | None
    vendor_error_code: str | None
    info: str | None
    reported_at: datetime
    received_at: datetime


def connector_change(
    current: ConnectorState | None, new: ConnectorState, report: StatusReport, now: datetime
) -> StatusChange | None:
    """The change `new` (the reducer's accepted state) makes, or None if its status, charging
    state and error code are those of `current`."""
    if current is not None and (current.status, current.charging_state, current.error_code) == (
        new.status,
        new.charging_state,
        new.error_code,
    ):
        return None
    return StatusChange(
        station_id=report.station_id,
        evse_id=report.evse_id,
        connector_id=report.connector_id,
        status=new.status,
        charging_state=new.charging_state,
        error_code=new.error_code,
        vendor_id=report.vendor_id,
        vendor_error_code=report.vendor_error_code,
        info=report.info,
        reported_at=new.reported_at,
        received_at=now,
    )


def availability_change(
    current: Availability | None, new: Availability, report: AvailabilityReport, now: datetime
) -> StatusChange | None:
    """As `connector_change`, for an EVSE's or the whole station's availability."""
    if current is not None and (current.status, current.error_code) == (
        new.status,
        new.error_code,
    ):
        return None
    return StatusChange(
        station_id=report.station_id,
        evse_id=report.evse_id,
        connector_id=EVSE_ITSELF,
        status=new.status,
        charging_state=None,
        error_code=new.error_code,
        vendor_id=report.vendor_id,
        vendor_error_code=report.vendor_error_code,
        info=report.info,
        reported_at=new.reported_at,
        received_at=now,
    )


def charging_state_change(
    station_id: StationId,
    evse_id: EvseId,
    connector_id: ConnectorId,
    new: ConnectorState,
    now: datetime,
) -> StatusChange:
    """The change a 2.0.1 transaction event's chargingState made (the reducer accepted `new`)."""
    return StatusChange(
        station_id=station_id,
        evse_id=evse_id,
        connector_id=connector_id,
        status=new.status,
        charging_state=new.charging_state,
        error_code=new.error_code,
        vendor_id=None,
        vendor_error_code=None,
        info=None,
        reported_at=new.reported_at,
        received_at=now,
    )
