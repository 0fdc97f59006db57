"""Administration of accounts and everyone's login sessions (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from laddnet.api.deps import ContainerDep, PrincipalDep, client_address
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.accounts import (
    LoginSessionOut,
    UserCreate,
    UserCreated,
    UserOut,
    UserUpdate,
)

router = APIRouter(tags=["users"])


@router.get("/users", summary="Every operator account")
async def list_users(container: ContainerDep) -> list[UserOut]:
    return [UserOut.from_domain(a) for a in await container.accounts.list_users()]


@router.post("/users", status_code=201, summary="Add an account (step-up needed)")
async def add_user(
    body: UserCreate, request: Request, container: ContainerDep, principal: PrincipalDep
) -> UserCreated:
    account, token = await container.accounts.add_user(
        body.email,
        body.role.value,
        body.sites,
        body.password,
        actor=principal.actor,
        source=client_address(request),
    )
    return UserCreated(user=UserOut.from_domain(account), setup_token=token)


@router.get("/users/{user_id}", summary="One account", responses=NOT_FOUND_RESPONSE)
async def get_user(user_id: str, container: ContainerDep) -> UserOut:
    return UserOut.from_domain(await container.accounts.get(user_id))


@router.patch(
    "/users/{user_id}",
    summary="Change an account's role or site scope (step-up needed)",
    responses=NOT_FOUND_RESPONSE,
)
async def update_user(
    user_id: str,
    body: UserUpdate,
    request: Request,
    container: ContainerDep,
    principal: PrincipalDep,
) -> UserOut:
    account = await container.accounts.update_user(
        user_id,
        role=body.role.value if body.role else None,
        sites=body.sites,
        all_sites=body.all_sites,
        actor=principal.actor,
        source=client_address(request),
    )
    return UserOut.from_domain(account)


@router.post(
    "/users/{user_id}/disable",
    status_code=204,
    summary="Disable an account; its login sessions end at once",
    responses=NOT_FOUND_RESPONSE,
)
async def disable_user(
    user_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await container.accounts.set_disabled(
        user_id, True, actor=principal.actor, source=client_address(request)
    )
    return Response(status_code=204)


@router.get("/login-sessions", summary="Everyone's live login sessions")
async def all_sessions(container: ContainerDep, principal: PrincipalDep) -> list[LoginSessionOut]:
    sessions = await container.auth.sessions(None)
    return [LoginSessionOut.from_domain(s, principal.session_id) for s in sessions]


@router.delete(
    "/login-sessions/{session_id}",
    status_code=204,
    summary="End anyone's login session",
    responses=NOT_FOUND_RESPONSE,
)
async def end_session(
    session_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await container.auth.revoke(
        session_id, principal, any_user=True, source=client_address(request)
    )
    return Response(status_code=204)
