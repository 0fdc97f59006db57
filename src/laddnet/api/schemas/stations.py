"""Station responses: identity, presence, and the live state of the station, its EVSEs and
its connectors."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.ids import ConnectorId, EvseId
from laddnet.domain.maintenance.model import MaintenanceMode
from laddnet.domain.maintenance.service_status import STATION_LEVEL, ServiceStatus, assess
from laddnet.domain.operations.model import Reservation
from laddnet.domain.stations.model import (
    Availability,
    ChargingState,
    Connector,
    ConnectorStatus,
    Evse,
    RegistrationStatus,
    Station,
)


class ReservedOut(BaseModel):
    reservation_id: int
    evse_id: int | None = Field(description="None or 0: any EVSE of the station")
    id_token: str
    expires_at: UtcDateTime

    @classmethod
    def from_domain(cls, reservation: Reservation) -> ReservedOut:
        return cls(
            reservation_id=reservation.id,
            evse_id=reservation.evse_id,
            id_token=reservation.id_token,
            expires_at=reservation.expires_at,
        )


class ConnectorOut(BaseModel):
    evse_id: int
    connector_id: int
    status: ConnectorStatus
    charging_state: ChargingState | None
    error_code: str | None
    reported_at: UtcDateTime = Field(description="When the station says the status applied.")
    reservation: ReservedOut | None = Field(
        None, description="The active reservation of this connector's EVSE, if any."
    )
    service_status: ServiceStatus | None = Field(
        None,
        description="What drivers and operators can rely on: available, in_use,"
        " needs_maintenance, in_maintenance or offline (docs/api/maintenance.md).",
    )

    @classmethod
    def from_domain(cls, connector: Connector) -> ConnectorOut:
        state = connector.state
        return cls(
            evse_id=connector.evse_id,
            connector_id=connector.connector_id,
            status=state.status,
            charging_state=state.charging_state,
            error_code=state.error_code,
            reported_at=state.reported_at,
        )


class AvailabilityOut(BaseModel):
    status: ConnectorStatus
    error_code: str | None
    reported_at: UtcDateTime = Field(description="When the station says the state applied.")

    @classmethod
    def from_domain(cls, state: Availability) -> AvailabilityOut:
        return cls(status=state.status, error_code=state.error_code, reported_at=state.reported_at)


class EvseOut(AvailabilityOut):
    evse_id: int

    @classmethod
    def from_evse(cls, evse: Evse) -> EvseOut:
        own = AvailabilityOut.from_domain(evse.availability)
        return cls(evse_id=evse.evse_id, **own.model_dump())


class MaintenanceOut(BaseModel):
    reason: str
    since: UtcDateTime
    until: UtcDateTime | None = Field(
        description="When it ends by itself; null: when switched off."
    )
    by: str = Field(description="Who switched it on (`apikey:<id>`, `cli`).")

    @classmethod
    def from_domain(cls, mode: MaintenanceMode) -> MaintenanceOut:
        return cls(reason=mode.reason, since=mode.since, until=mode.until, by=mode.by)


class StationOut(BaseModel):
    id: str
    connected: bool = Field(description="Whether the station holds an OCPP connection now.")
    node: str | None = Field(
        description="The gateway node holding that connection (`LADDNET_NODE_ID`)."
    )
    last_seen_at: UtcDateTime | None
    last_boot_at: UtcDateTime | None
    registration_status: RegistrationStatus | None
    ocpp_version: str | None
    vendor: str | None
    model: str | None
    serial_number: str | None
    firmware_version: str | None
    availability: AvailabilityOut | None = Field(
        description="The whole station's availability as it last reported it (1.6 connectorId 0,"
        " 2.0.1 ChargingStation AvailabilityState); null until it reports one."
    )
    evses: list[EvseOut] = Field(
        description="EVSEs that reported an availability of their own (2.0.1 EVSE"
        " AvailabilityState). It is not their connectors' status: an Occupied EVSE may still"
        " have a free connector."
    )
    connectors: list[ConnectorOut]
    site_id: str | None = Field(description="The site the station is on.")
    display_name: str | None
    decommissioned_at: UtcDateTime | None = Field(
        description="When it was taken out of service; it is refused at login since."
    )
    reservations: list[ReservedOut] = Field(
        default_factory=list, description="Its active reservations (they expire by themselves)."
    )
    service_status: ServiceStatus = Field(
        description="The station's service status: available if a driver can charge on any"
        " connector (docs/api/maintenance.md)."
    )
    maintenance: MaintenanceOut | None = Field(
        None, description="Maintenance mode, while the station is in it."
    )
    security_profile: int = Field(
        1,
        description="OCPP security profile: 1 basic auth over ws://, 2 basic auth over TLS, 3"
        " client certificate. The station is refused on a connection of a lower profile.",
    )
    allowed_networks: list[str] | None = Field(
        None, description="CIDR networks it may connect from; null: anywhere."
    )

    @classmethod
    def from_domain(
        cls,
        station: Station,
        reservations: Sequence[Reservation] = (),
        maintenance: MaintenanceMode | None = None,
        health_low: str | None = None,
    ) -> StationOut:
        info = station.info
        reserved = [ReservedOut.from_domain(r) for r in reservations]
        by_evse = {r.evse_id: r for r in reserved if r.evse_id}
        connectors = [ConnectorOut.from_domain(c) for c in station.connectors]
        assessed = assess(station, in_maintenance=maintenance is not None, health_low=health_low)
        for connector in connectors:
            connector.reservation = by_evse.get(connector.evse_id)
            found = assessed.get((EvseId(connector.evse_id), ConnectorId(connector.connector_id)))
            connector.service_status = found.status if found else None
        return cls(
            id=station.id,
            connected=station.connected,
            node=station.node,
            last_seen_at=station.last_seen_at,
            last_boot_at=station.last_boot_at,
            registration_status=station.registration_status,
            ocpp_version=station.ocpp_version,
            vendor=info.vendor if info else None,
            model=info.model if info else None,
            serial_number=info.serial_number if info else None,
            firmware_version=info.firmware_version if info else None,
            availability=(
                AvailabilityOut.from_domain(station.availability) if station.availability else None
            ),
            evses=[EvseOut.from_evse(e) for e in station.evses],
            connectors=connectors,
            site_id=station.site_id,
            display_name=station.display_name,
            decommissioned_at=station.decommissioned_at,
            reservations=reserved,
            service_status=assessed[STATION_LEVEL].status,
            maintenance=MaintenanceOut.from_domain(maintenance) if maintenance else None,
            security_profile=int(station.security_profile),
            allowed_networks=(
                list(station.allowed_networks) if station.allowed_networks is not None else None
            ),
        )


class StationPage(BaseModel):
    items: list[StationOut]
    total: int = Field(description="Stations in all pages.")
    limit: int
    offset: int
