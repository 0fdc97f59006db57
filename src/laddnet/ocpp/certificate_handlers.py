"""SignCertificate from a station (1.6 security whitepaper, 2.0.1 A02/A03): the same payload
and answer in both versions. The signed certificate follows as CertificateSigned."""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.ocpp.context import HandlerContext
from laddnet.ocpp.rpc import Session


async def sign_certificate(
    ctx: HandlerContext, session: Session, payload: dict[str, Any]
) -> dict[str, Any]:
    accepted = await ctx.services.certificates.sign_request(
        StationId(session.station_id), payload["csr"], payload.get("certificateType")
    )
    return {"status": "Accepted" if accepted else "Rejected"}
