"""Station certificates: the inventory of what Laddnet's station CA issued to a station."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from laddnet.api.deps import ContainerDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.certificates import StationCertificateOut
from laddnet.domain.ids import StationId

router = APIRouter(tags=["certificates"])


class StationCertificatesOut(BaseModel):
    items: list[StationCertificateOut] = Field(description="The one expiring last first.")


@router.get(
    "/stations/{station_id}/certificates",
    summary="The certificates Laddnet's station CA issued to the station, with their expiry",
    responses=NOT_FOUND_RESPONSE,
)
async def station_certificates(station_id: str, container: ContainerDep) -> StationCertificatesOut:
    found = await container.certificates.inventory(StationId(station_id))
    return StationCertificatesOut(items=[StationCertificateOut.from_domain(c) for c in found])
