"""Station networks and firmware integrity: sites' allowed networks, the networks a station
has connected from, the firmware inventory, versions marked vulnerable and the stations
running them (docs/api/firmware.md, docs/security.md)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from laddnet.api.deps import ContainerDep, PrincipalDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import RowId
from laddnet.api.schemas.station_guard import (
    FirmwareInventory,
    FirmwareInventoryItem,
    SiteNetworksIn,
    SiteNetworksOut,
    StationNetworkOut,
    StationNetworksOut,
    VulnerableStationList,
    VulnerableStationOut,
    VulnerableVersionIn,
    VulnerableVersionList,
    VulnerableVersionOut,
)

router = APIRouter(tags=["security"])


@router.get(
    "/sites/{site_id}/allowed-networks",
    summary="The networks a site's stations may connect from (null: anywhere)",
    responses=NOT_FOUND_RESPONSE,
)
async def site_networks(site_id: str, container: ContainerDep) -> SiteNetworksOut:
    networks = await container.station_guard.site_networks(site_id)
    return SiteNetworksOut(
        site_id=site_id, allowed_networks=list(networks) if networks is not None else None
    )


@router.put(
    "/sites/{site_id}/allowed-networks",
    summary="Set (null: lift) a site's allowed networks; stations with their own list keep it",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def set_site_networks(
    site_id: str, body: SiteNetworksIn, container: ContainerDep, writer: WriterDep
) -> SiteNetworksOut:
    networks = await container.station_guard.set_site_networks(
        site_id, body.allowed_networks, writer.actor
    )
    return SiteNetworksOut(
        site_id=site_id, allowed_networks=list(networks) if networks is not None else None
    )


@router.get(
    "/stations/{station_id}/networks",
    summary="The networks (/24, /48) a station has connected from",
    responses=NOT_FOUND_RESPONSE,
)
async def station_networks(station_id: str, container: ContainerDep) -> StationNetworksOut:
    rows = await container.station_guard.station_networks(station_id)
    return StationNetworksOut(
        station_id=station_id,
        items=[
            StationNetworkOut.model_validate(
                {"network": n, "first_seen_at": first, "last_seen_at": last}
            )
            for n, first, last in rows
        ],
    )


@router.get(
    "/firmware",
    summary="Firmware inventory: stations per vendor, model and firmware version",
)
async def firmware_inventory(container: ContainerDep, principal: PrincipalDep) -> FirmwareInventory:
    rows = await container.station_guard.inventory(principal.sites)
    return FirmwareInventory(items=[FirmwareInventoryItem.from_domain(r) for r in rows])


@router.get(
    "/firmware/vulnerable",
    summary="Stations running a firmware version marked vulnerable",
)
async def vulnerable_stations(
    container: ContainerDep, principal: PrincipalDep
) -> VulnerableStationList:
    rows = await container.station_guard.vulnerable_stations(principal.sites)
    return VulnerableStationList(
        items=[VulnerableStationOut.from_domain(r) for r in rows], total=len(rows)
    )


@router.get("/firmware/vulnerable-versions", summary="Firmware versions marked vulnerable")
async def vulnerable_versions(container: ContainerDep) -> VulnerableVersionList:
    rows = await container.station_guard.vulnerable_versions()
    return VulnerableVersionList(items=[VulnerableVersionOut.from_domain(v) for v in rows])


@router.post(
    "/firmware/vulnerable-versions",
    status_code=201,
    summary="Mark a firmware version (vendor, model, exact version) vulnerable",
    responses=WRITE_RESPONSES,
)
async def mark_vulnerable(
    body: VulnerableVersionIn, container: ContainerDep, writer: WriterDep
) -> VulnerableVersionOut:
    marked = await container.station_guard.mark_vulnerable(
        body.vendor, body.model, body.version, body.reason, writer.actor
    )
    return VulnerableVersionOut.from_domain(marked)


@router.delete(
    "/firmware/vulnerable-versions/{vulnerability_id}",
    status_code=204,
    summary="Unmark a firmware version",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def unmark_vulnerable(
    vulnerability_id: RowId, container: ContainerDep, writer: WriterDep
) -> Response:
    await container.station_guard.unmark_vulnerable(vulnerability_id, writer.actor)
    return Response(status_code=204)
