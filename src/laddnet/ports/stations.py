"""Ports: stations, sites, their status history, and the way to a connected station."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.ids import ConnectorId, EvseId, SiteId, StationId
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.sites.model import Site
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import (
    Availability,
    ConnectorState,
    RegistrationStatus,
    Station,
    StationInfo,
)


@dataclass(frozen=True, slots=True)
class StationCredentials:
    """What a station's login reads of its row."""

    password_hash: str
    registration: RegistrationStatus | None
    security_profile: SecurityProfile
    allowed_networks: tuple[str, ...] | None  # its own list, else its site's; None: anywhere
    configuration_read: bool  # its whole configuration has been read once


class StationRepository(Protocol):
    def credentials(self, station_id: StationId) -> StationCredentials | None: ...
    def add(self, station_id: StationId, password_hash: str, now: datetime) -> None: ...
    def set_password_hash(
        self, station_id: StationId, new: str, *, replacing: str | None = None
    ) -> bool: ...
    def record_boot(
        self,
        station_id: StationId,
        info: StationInfo,
        ocpp_version: str,
        status: RegistrationStatus,
        now: datetime,
    ) -> None: ...
    def touch(self, station_id: StationId, now: datetime) -> None: ...
    def set_presence(
        self,
        station_id: StationId,
        connected: bool,
        ocpp_version: str | None,
        node: str,
        now: datetime,
    ) -> None: ...
    def clear_presence(self, node: str) -> None: ...
    def connector_state(
        self, station_id: StationId, evse_id: EvseId, connector_id: ConnectorId
    ) -> ConnectorState | None: ...
    def save_connector_state(
        self,
        station_id: StationId,
        evse_id: EvseId,
        connector_id: ConnectorId,
        state: ConnectorState,
        now: datetime,
    ) -> None: ...
    def availability(self, station_id: StationId, evse_id: EvseId) -> Availability | None: ...
    def save_availability(
        self, station_id: StationId, evse_id: EvseId, state: Availability, now: datetime
    ) -> None: ...
    def set_details(
        self, station_id: StationId, *, site_id: SiteId | None, display_name: str | None
    ) -> None: ...
    def decommission(self, station_id: StationId, now: datetime) -> None: ...
    def set_security_profile(self, station_id: StationId, profile: SecurityProfile) -> None: ...
    def set_allowed_networks(
        self, station_id: StationId, networks: tuple[str, ...] | None
    ) -> None: ...
    def get(self, station_id: StationId) -> Station | None: ...
    def list(
        self,
        *,
        limit: int,
        offset: int,
        include_decommissioned: bool = False,
        sites: frozenset[str] | None = None,
    ) -> tuple[list[Station], int]: ...
    def registered_at(self, station_id: StationId) -> datetime | None: ...


class SiteRepository(Protocol):
    def add(self, site: Site) -> None: ...
    def save(self, site: Site) -> None: ...
    def exists(self, site_id: SiteId) -> bool: ...
    def get(self, site_id: SiteId) -> Site | None: ...
    def list(
        self, *, limit: int, offset: int, only: frozenset[str] | None = None
    ) -> tuple[list[Site], int]: ...
    def delete(self, site_id: SiteId) -> None: ...


class StatusHistory(Protocol):
    """Changes of status as stations reported them; `add` is on the per-message path."""

    def add(self, change: StatusChange) -> None: ...
    def list(
        self,
        station_id: StationId,
        *,
        since: datetime | None,
        until: datetime | None,
        evse_id: EvseId | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StatusChange], int]: ...


class StationLink(Protocol):
    """The way from the services to a connected station, wherever it is connected.

    `translate` turns a version-neutral command into the CALL of the station's OCPP version
    (InvalidInput if that version lacks it); `call` sends it and returns the station's answer,
    raising StationNotConnected, StationDidNotAnswer or StationRejectedCall.
    """

    def translate(
        self, ocpp_version: str, name: CommandName, body: Mapping[str, Any]
    ) -> OcppRequest: ...
    def status_of(self, request: OcppRequest, response: Mapping[str, Any]) -> str: ...
    async def call(
        self, station_id: str, request: OcppRequest, timeout: float | None = None
    ) -> dict[str, Any]: ...
