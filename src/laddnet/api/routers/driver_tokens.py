"""A driver's id tokens (RFID card UIDs, app tokens): add, list, remove."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from laddnet.api.deps import ContainerDep, PrincipalDep, client_address
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.driver_tokens import DriverTokenCreate, DriverTokenOut

router = APIRouter(prefix="/drivers/{driver_id}/tokens", tags=["drivers"])


@router.post(
    "",
    status_code=201,
    summary="Link an id token to a driver (stored hashed and encrypted)",
    responses=NOT_FOUND_RESPONSE,
)
async def add_token(
    driver_id: str,
    body: DriverTokenCreate,
    request: Request,
    container: ContainerDep,
    principal: PrincipalDep,
) -> DriverTokenOut:
    token = await container.driver_tokens.add(
        driver_id, body.value, body.kind, actor=principal.actor, source=client_address(request)
    )
    return DriverTokenOut.from_domain(token)


@router.get("", summary="A driver's id tokens", responses=NOT_FOUND_RESPONSE)
async def list_tokens(driver_id: str, container: ContainerDep) -> list[DriverTokenOut]:
    return [DriverTokenOut.from_domain(t) for t in await container.driver_tokens.list(driver_id)]


@router.delete(
    "/{token_id}",
    status_code=204,
    summary="Remove a driver's id token (stations no longer accept it)",
    responses=NOT_FOUND_RESPONSE,
)
async def remove_token(
    driver_id: str,
    token_id: str,
    request: Request,
    container: ContainerDep,
    principal: PrincipalDep,
) -> Response:
    await container.driver_tokens.remove(
        driver_id, token_id, actor=principal.actor, source=client_address(request)
    )
    return Response(status_code=204)
