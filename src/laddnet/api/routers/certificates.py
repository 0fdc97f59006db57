"""Station certificates: the inventory of what Laddnet's station CA issued to a station, and
their revocation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from laddnet.api.deps import ContainerDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.schemas.certificates import RevokeCertificateIn, StationCertificateOut
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


Serial = Annotated[
    str,
    Path(
        pattern="^[0-9a-fA-F]{1,64}$",
        description="The certificate's serial number in hexadecimal, as the inventory lists it",
    ),
]


@router.post(
    "/stations/{station_id}/certificates/{serial}/revoke",
    summary="Revoke a certificate of the station: its next profile-3 login is refused",
    description="The station's certificate with this serial number no longer logs it in over"
    " mutual TLS (403 before the WebSocket upgrade, and a `certificate_revoked` security"
    " event). Revoking it again answers the same (the first time and reason stay). A"
    " connection the station holds now stays open until it reconnects.",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def revoke_station_certificate(
    station_id: str,
    serial: Serial,
    container: ContainerDep,
    writer: WriterDep,
    body: RevokeCertificateIn | None = None,
) -> StationCertificateOut:
    reason = body.reason if body is not None else None
    cert = await container.certificates.revoke(
        StationId(station_id), serial, reason, writer.actor, sites=writer.sites
    )
    return StationCertificateOut.from_domain(cert)
