"""API keys (admins): create (shown once), list without secrets, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from laddnet.api.deps import ContainerDep, PrincipalDep, client_address
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.accounts import ApiKeyCreate, ApiKeyCreated, ApiKeyOut

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.post("", status_code=201, summary="Create an API key (step-up needed in a session)")
async def create_key(
    body: ApiKeyCreate, request: Request, container: ContainerDep, principal: PrincipalDep
) -> ApiKeyCreated:
    key = await container.api_keys.create(
        body.role.value,
        body.label,
        sites=body.sites,
        expires_at=body.expires_at,
        actor=principal.actor,
        source=client_address(request),
    )
    key_id = key.split("_")[1]
    listed = next(k for k in await container.api_keys.list() if k.id == key_id)
    return ApiKeyCreated(**ApiKeyOut.from_domain(listed).model_dump(), key=key)


@router.get("", summary="Every API key, without its secret")
async def list_keys(container: ContainerDep) -> list[ApiKeyOut]:
    return [ApiKeyOut.from_domain(k) for k in await container.api_keys.list()]


@router.delete(
    "/{key_id}", status_code=204, summary="Revoke an API key", responses=NOT_FOUND_RESPONSE
)
async def revoke_key(
    key_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await container.api_keys.revoke(key_id, actor=principal.actor, source=client_address(request))
    return Response(status_code=204)
