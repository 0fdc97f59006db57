"""Drivers and their personal data: create, read, change, export (GDPR) and erase."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.deps import ContainerDep, PageDep, PrincipalDep, client_address
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.drivers import DriverCreate, DriverOut, DriverPage, DriverUpdate
from laddnet.domain.errors import InvalidInput

router = APIRouter(prefix="/drivers", tags=["drivers"])


@router.post("", status_code=201, summary="Add a driver (personal data stored encrypted)")
async def create_driver(
    body: DriverCreate, request: Request, container: ContainerDep, principal: PrincipalDep
) -> DriverOut:
    driver = await container.drivers.create(
        body.to_domain(), actor=principal.actor, source=client_address(request)
    )
    return DriverOut.from_domain(driver)


@router.get("", summary="Drivers, ordered by id (erased ones left out)")
async def list_drivers(container: ContainerDep, page: PageDep) -> DriverPage:
    drivers, total = await container.drivers.page(page.limit, page.offset)
    return DriverPage(
        items=[DriverOut.from_domain(d) for d in drivers],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{driver_id}", summary="One driver", responses=NOT_FOUND_RESPONSE)
async def get_driver(driver_id: str, container: ContainerDep) -> DriverOut:
    return DriverOut.from_domain(await container.drivers.get(driver_id))


@router.patch("/{driver_id}", summary="Change a driver's data", responses=NOT_FOUND_RESPONSE)
async def update_driver(
    driver_id: str,
    body: DriverUpdate,
    request: Request,
    container: ContainerDep,
    principal: PrincipalDep,
) -> DriverOut:
    changes: dict[str, Any] = {k: getattr(body, k) for k in body.model_fields_set}
    if changes.get("name", "") is None:
        raise InvalidInput("name: a driver keeps a name (erase the driver instead)")
    driver = await container.drivers.update(
        driver_id, changes, actor=principal.actor, source=client_address(request)
    )
    return DriverOut.from_domain(driver)


@router.get(
    "/{driver_id}/export",
    summary="Everything held about a driver, as JSON (step-up needed)",
    responses=NOT_FOUND_RESPONSE,
)
async def export_driver(
    driver_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> dict[str, Any]:
    return await container.drivers.export(
        driver_id, actor=principal.actor, source=client_address(request)
    )


@router.delete(
    "/{driver_id}",
    status_code=204,
    summary="Erase a driver's personal data (the anonymous record stays)",
    responses=NOT_FOUND_RESPONSE,
)
async def erase_driver(
    driver_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await container.drivers.erase(driver_id, actor=principal.actor, source=client_address(request))
    return Response(status_code=204)


class DriverSetupOut(BaseModel):
    setup_token: str = Field(description="For POST /api/v1/driver-auth/setup; shown once")
    expires_at: UtcDateTime


class DriverPasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=1024)
    reset_totp: bool = Field(False, description="also turn the driver's TOTP off")


@router.post(
    "/{driver_id}/login-setup",
    summary="A one-time token with which the driver sets their password (self-service login)",
    responses=NOT_FOUND_RESPONSE,
)
async def driver_login_setup(
    driver_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> DriverSetupOut:
    token = await container.driver_auth.issue_setup(
        driver_id, actor=principal.actor, source=client_address(request)
    )
    expires = container.clock.now() + container.accounts.setup_ttl
    return DriverSetupOut(setup_token=token, expires_at=expires)


@router.post(
    "/{driver_id}/password",
    status_code=204,
    summary="Set a driver's login password (the same policy; their sessions end; step-up)",
    responses=NOT_FOUND_RESPONSE,
)
async def set_driver_password(
    driver_id: str,
    body: DriverPasswordIn,
    request: Request,
    container: ContainerDep,
    principal: PrincipalDep,
) -> Response:
    await container.driver_auth.set_password(
        driver_id,
        body.password,
        actor=principal.actor,
        source=client_address(request),
        reset_totp=body.reset_totp,
    )
    return Response(status_code=204)


keys_router = APIRouter(prefix="/keys", tags=["drivers"])


@keys_router.post(
    "/rotate",
    summary="A new data key; every driver encrypted again under it (admins, step-up)",
)
async def rotate_keys(
    request: Request, container: ContainerDep, principal: PrincipalDep
) -> dict[str, Any]:
    key_id, count = await container.drivers.rotate_data_key(
        actor=principal.actor, source=client_address(request)
    )
    return {"data_key": key_id, "reencrypted": count}


@keys_router.post(
    "/rotate-index",
    summary="A new blind-index key; e-mail indexes and token keys recomputed (admins, step-up)",
)
async def rotate_index_key(
    request: Request, container: ContainerDep, principal: PrincipalDep
) -> dict[str, Any]:
    key_id, drivers, tokens = await container.drivers.rotate_index_key(
        actor=principal.actor, source=client_address(request)
    )
    return {"index_key": key_id, "drivers_reindexed": drivers, "tokens_reindexed": tokens}
