"""Logging in (no key or cookie needed): password, second factor, first-password setup."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from laddnet.api.deps import ContainerDep, client_address
from laddnet.api.errors import ErrorBody
from laddnet.api.schemas.accounts import LoginIn, LoginOut, MfaIn, SetupIn, UserOut
from laddnet.api.session_cookie import csrf_token, set_session_cookie
from laddnet.domain.accounts.model import LoginKind
from laddnet.services.handlers.auth import LoginResult

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody, "description": "Wrong e-mail, password or code (never says which)"},
    422: {"model": ErrorBody, "description": "Invalid body; the message names the field"},
    429: {"model": ErrorBody, "description": "Too many failures; see the Retry-After header"},
}


def _answer(
    result: LoginResult, request: Request, response: Response, container: ContainerDep
) -> LoginOut:
    user = UserOut.from_domain(result.account)
    if result.kind is LoginKind.CHALLENGE:
        return LoginOut(status="mfa_required", challenge=result.token)
    max_age = int(container.auth.absolute_timeout.total_seconds())
    set_session_cookie(request, response, result.token, max_age)
    status = "ok" if result.account.totp_enabled else "mfa_enrolment_required"
    return LoginOut(status=status, csrf_token=csrf_token(result.token), user=user)


@router.post(
    "/login",
    summary="Log in with e-mail and password: a session cookie, or a two-factor challenge",
    responses=_RESPONSES,
)
async def login(
    body: LoginIn, request: Request, response: Response, container: ContainerDep
) -> LoginOut:
    result = await container.auth.login(
        body.email, body.password, client_address(request), request.headers.get("user-agent")
    )
    return _answer(result, request, response, container)


@router.post(
    "/mfa",
    summary="Finish a login with a TOTP or recovery code: the session cookie",
    responses=_RESPONSES,
)
async def mfa(
    body: MfaIn, request: Request, response: Response, container: ContainerDep
) -> LoginOut:
    result = await container.auth.complete_mfa(
        body.challenge, body.code, client_address(request), request.headers.get("user-agent")
    )
    return _answer(result, request, response, container)


@router.post(
    "/setup",
    status_code=204,
    summary="Set an account's first password with its one-time setup token",
    responses=_RESPONSES,
)
async def setup(body: SetupIn, request: Request, container: ContainerDep) -> Response:
    await container.accounts.complete_setup(body.token, body.password, client_address(request))
    return Response(status_code=204)
