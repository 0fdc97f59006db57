"""One service status per connector and per station, reduced from what Laddnet stores: the
connection, the station's, its EVSEs' and its connectors' reported states, and maintenance mode.

A connector is
- `in_maintenance` while the operator has the station in maintenance mode, or the station, its
  EVSE or the connector reports Unavailable (taken out of service on purpose);
- `offline` while the station holds no connection;
- `needs_maintenance` while the station, its EVSE or the connector reports Faulted or an error
  code (other than NoError);
- `in_use` while Occupied or Reserved; `available` while Available.
The station is `in_maintenance`, `offline` or `needs_maintenance` by the same rules applied to
its own state; otherwise the best of its connectors (`available` if a driver can charge on any
of them), or `available` before it has reported any connector.
A connected station whose health score is below the threshold (an open `health_low` alert) is
`needs_maintenance` ("predicted to fail"), and so is each connector that would otherwise be
`available` or `in_use`; the reason starts with HEALTH_REASON, which the `connector_faulted`
rule ignores (no reset for a prediction).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from laddnet.domain.ids import ConnectorId, EvseId
from laddnet.domain.stations.model import Availability, ConnectorStatus, Station


class ServiceStatus(StrEnum):
    AVAILABLE = "available"
    IN_USE = "in_use"
    NEEDS_MAINTENANCE = "needs_maintenance"
    IN_MAINTENANCE = "in_maintenance"
    OFFLINE = "offline"


# The order a station takes its connectors' statuses in: the first one any connector has.
_STATION_PREFERENCE = (
    ServiceStatus.AVAILABLE,
    ServiceStatus.IN_USE,
    ServiceStatus.NEEDS_MAINTENANCE,
    ServiceStatus.IN_MAINTENANCE,
    ServiceStatus.OFFLINE,
)

# A reported status, once the connection and maintenance mode are accounted for.
_BY_REPORTED: dict[ConnectorStatus, ServiceStatus] = {
    ConnectorStatus.AVAILABLE: ServiceStatus.AVAILABLE,
    ConnectorStatus.OCCUPIED: ServiceStatus.IN_USE,
    ConnectorStatus.RESERVED: ServiceStatus.IN_USE,
    ConnectorStatus.UNAVAILABLE: ServiceStatus.IN_MAINTENANCE,
    ConnectorStatus.FAULTED: ServiceStatus.NEEDS_MAINTENANCE,
}

STATION_LEVEL = (EvseId(0), ConnectorId(0))  # the key of the station's own status
HEALTH_REASON = "health score"  # how a needs_maintenance predicted by the score begins


@dataclass(frozen=True, slots=True)
class Assessed:
    """A service status and, for people, why (e.g. "Faulted (GroundFailure)")."""

    status: ServiceStatus
    reason: str


def has_error(error_code: str | None) -> bool:
    return error_code not in (None, "", "NoError")


def _own(state: Availability | None, what: str) -> Assessed | None:
    """The status a station's or EVSE's own availability imposes on what it holds, if any."""
    if state is None:
        return None
    if state.status is ConnectorStatus.UNAVAILABLE:
        return Assessed(ServiceStatus.IN_MAINTENANCE, f"{what} Unavailable")
    if state.status is ConnectorStatus.FAULTED or has_error(state.error_code):
        return Assessed(ServiceStatus.NEEDS_MAINTENANCE, _fault(f"{what} ", state))
    return None


def _fault(prefix: str, state: Availability) -> str:
    code = f" ({state.error_code})" if has_error(state.error_code) else ""
    return f"{prefix}{state.status.value}{code}"


def health_reason(score: object, threshold: object) -> str:
    return f"{HEALTH_REASON} {score} below {threshold}"


def assess(
    station: Station, *, in_maintenance: bool, health_low: str | None = None
) -> dict[tuple[EvseId, ConnectorId], Assessed]:
    """The service status of the station (key STATION_LEVEL) and of each connector it has
    reported, keyed by (evse_id, connector_id). `health_low`: why the station's health score
    is below the threshold, if it is."""
    out: dict[tuple[EvseId, ConnectorId], Assessed] = {}
    reported: list[Assessed] = []  # the connectors' statuses before any prediction
    station_own = _own(station.availability, "station")
    evse_own = {e.evse_id: _own(e.availability, f"EVSE {e.evse_id}") for e in station.evses}
    for c in station.connectors:
        state = Availability(c.state.status, c.state.error_code, c.state.reported_at)
        if in_maintenance:
            found = Assessed(ServiceStatus.IN_MAINTENANCE, "maintenance mode")
        elif not station.connected:
            found = Assessed(ServiceStatus.OFFLINE, "station not connected")
        else:
            found = station_own or evse_own.get(c.evse_id) or _connector(state)
        reported.append(found)
        out[(c.evse_id, c.connector_id)] = _predicted(found, health_low)
    own = _station(station, station_own, reported, in_maintenance)
    if station.connected and not in_maintenance:
        own = _predicted(own, health_low)
    out[STATION_LEVEL] = own
    return out


def _predicted(found: Assessed, health_low: str | None) -> Assessed:
    """A status a low health score turns into needs_maintenance: available or in use."""
    if health_low and found.status in (ServiceStatus.AVAILABLE, ServiceStatus.IN_USE):
        return Assessed(ServiceStatus.NEEDS_MAINTENANCE, health_low)
    return found


def _connector(state: Availability) -> Assessed:
    if has_error(state.error_code) and state.status is not ConnectorStatus.UNAVAILABLE:
        return Assessed(ServiceStatus.NEEDS_MAINTENANCE, _fault("", state))
    return Assessed(_BY_REPORTED[state.status], state.status.value)


def _station(
    station: Station, own: Assessed | None, connectors: list[Assessed], in_maintenance: bool
) -> Assessed:
    if in_maintenance:
        return Assessed(ServiceStatus.IN_MAINTENANCE, "maintenance mode")
    if not station.connected:
        return Assessed(ServiceStatus.OFFLINE, "not connected")
    if own is not None:
        return own
    for wanted in _STATION_PREFERENCE:
        for found in connectors:
            if found.status is wanted:
                return Assessed(wanted, f"a connector is {wanted.value}")
    return Assessed(ServiceStatus.AVAILABLE, "connected, no connector reported")
