"""Customer information reports (OCPP 2.0.1 N09/N10): what a station reported about one
customer after a `customer-information` command, assembled from its parts. Personal data:
stored encrypted, and every read is audited."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from laddnet.api.deps import ContainerDep, PrincipalDep
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.params import RowId
from laddnet.api.schemas import UtcDateTime
from laddnet.domain.ids import StationId

router = APIRouter(tags=["commands"])


class CustomerInformationOut(BaseModel):
    command_id: int
    request_id: int = Field(description="The requestId the station's parts carry")
    status: str | None = Field(description="The station's answer to the command (Accepted...)")
    request: dict[str, object] | None = Field(description="The CustomerInformationRequest sent")
    parts: int = Field(description="NotifyCustomerInformation parts received")
    complete: bool = Field(description="The last part (tbc false) and all before it came")
    data: str = Field(description="The parts' data joined in seqNo order")
    generated_at: UtcDateTime | None


@router.get(
    "/stations/{station_id}/customer-information/{command_id}",
    summary="The customer information report of a customer-information command",
    responses=NOT_FOUND_RESPONSE,
)
async def customer_information(
    station_id: str, command_id: RowId, container: ContainerDep, principal: PrincipalDep
) -> CustomerInformationOut:
    found = await container.operations.customer_information.read(
        StationId(station_id), command_id, principal.actor
    )
    report = found.report
    return CustomerInformationOut(
        command_id=found.command.id,
        request_id=found.request_id,
        status=found.command.status,
        request=found.command.request,
        parts=report.parts,
        complete=report.complete,
        data=report.data,
        generated_at=report.generated_at,
    )
