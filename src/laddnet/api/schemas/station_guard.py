"""Sites' allowed networks, the networks a station has connected from, the firmware
inventory and the firmware versions marked vulnerable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.security.firmware import (
    FirmwareInventoryRow,
    VulnerableStation,
    VulnerableVersion,
)


class SiteNetworksIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allowed_networks: list[str] | None = Field(
        max_length=50,
        description="CIDR networks the site's stations may connect from (a station's own list,"
        " if it has one, applies instead); null: anywhere; []: nowhere",
    )


class SiteNetworksOut(BaseModel):
    site_id: str
    allowed_networks: list[str] | None


class StationNetworkOut(BaseModel):
    network: str = Field(description="The /24 (IPv4) or /48 (IPv6) it connected from")
    first_seen_at: UtcDateTime
    last_seen_at: UtcDateTime = Field(
        description="Not kept current (a reconnect from a known network costs a read, not a"
        " write): usually first_seen_at"
    )


class StationNetworksOut(BaseModel):
    station_id: str
    items: list[StationNetworkOut]


class VulnerableVersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vendor: str = Field(min_length=1, max_length=50, description="As in BootNotification")
    model: str = Field(min_length=1, max_length=50)
    version: str = Field(min_length=1, max_length=50, description="firmwareVersion, exactly")
    reason: str = Field(min_length=1, max_length=500, description="e.g. a CVE and its fix")


class VulnerableVersionOut(BaseModel):
    id: int
    vendor: str
    model: str
    version: str
    reason: str
    marked_by: str
    marked_at: UtcDateTime

    @classmethod
    def from_domain(cls, v: VulnerableVersion) -> VulnerableVersionOut:
        return cls(
            id=v.id,
            vendor=v.vendor,
            model=v.model,
            version=v.version,
            reason=v.reason,
            marked_by=v.marked_by,
            marked_at=v.marked_at,
        )


class VulnerableVersionList(BaseModel):
    items: list[VulnerableVersionOut]


class FirmwareInventoryItem(BaseModel):
    vendor: str | None
    model: str | None
    version: str | None = Field(description="firmwareVersion of the last boot (null: not told)")
    stations: int
    vulnerable: VulnerableVersionOut | None

    @classmethod
    def from_domain(cls, r: FirmwareInventoryRow) -> FirmwareInventoryItem:
        mark = VulnerableVersionOut.from_domain(r.vulnerable) if r.vulnerable else None
        return cls(
            vendor=r.vendor, model=r.model, version=r.version, stations=r.stations, vulnerable=mark
        )


class FirmwareInventory(BaseModel):
    items: list[FirmwareInventoryItem]


class VulnerableStationOut(BaseModel):
    station_id: str
    site_id: str | None
    vendor: str
    model: str
    version: str
    connected: bool
    vulnerability: VulnerableVersionOut

    @classmethod
    def from_domain(cls, s: VulnerableStation) -> VulnerableStationOut:
        return cls(
            station_id=s.station_id,
            site_id=s.site_id,
            vendor=s.vendor,
            model=s.model,
            version=s.version,
            connected=s.connected,
            vulnerability=VulnerableVersionOut.from_domain(s.vulnerability),
        )


class VulnerableStationList(BaseModel):
    items: list[VulnerableStationOut]
    total: int
