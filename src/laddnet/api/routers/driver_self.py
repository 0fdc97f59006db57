"""Drivers' self-service: logging in (`/api/v1/driver-auth/...`, no credentials needed) and one's
own data (`/api/v1/driver/me...`, a driver's login session only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.deps import ContainerDep, client_address
from laddnet.api.driver_session import (
    DRIVER_COOKIE,
    DriverDep,
    clear_driver_cookie,
    set_driver_cookie,
)
from laddnet.api.errors import NOT_FOUND_RESPONSE, ErrorBody
from laddnet.api.params import SessionRowId
from laddnet.api.schemas.accounts import (
    CodeIn,
    LoginIn,
    LoginSessionOut,
    MfaIn,
    PasswordChangeIn,
    SetupIn,
)
from laddnet.api.schemas.cdrs import CdrOut
from laddnet.api.schemas.drivers import DriverOut
from laddnet.api.schemas.sessions import SessionOut
from laddnet.api.session_cookie import csrf_token
from laddnet.domain.accounts.model import LoginKind
from laddnet.domain.errors import UnknownSession
from laddnet.services.handlers.driver_auth import DriverLoginResult

public = APIRouter(prefix="/api/v1/driver-auth", tags=["driver self-service"])
router = APIRouter(prefix="/api/v1/driver", tags=["driver self-service"])

_LOGIN_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Wrong e-mail, password or code (never says which)"},
    422: {"model": ErrorBody, "description": "Invalid body; the message names the field"},
    429: {"model": ErrorBody, "description": "Too many failures; see the Retry-After header"},
}
_SELF_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No driver's login session (or it ended)"},
    403: {"model": ErrorBody, "description": "A change without the X-CSRF-Token header"},
    422: {"model": ErrorBody, "description": "Invalid input; the message names the field"},
}


class DriverLoginOut(BaseModel):
    """`status` "ok": logged in (the `laddnet_driver` cookie is set; send `csrf_token` as the
    X-CSRF-Token header with every change). "mfa_required": answer `challenge` with a TOTP
    code at POST /api/v1/driver-auth/mfa."""

    status: str
    driver_id: str | None = None
    csrf_token: str | None = None
    challenge: str | None = None


class DriverMeOut(DriverOut):
    totp_enabled: bool
    csrf_token: str | None = None


class DriverSelfUpdate(BaseModel):
    """What a driver changes of their own (the e-mail, their login name, only an operator)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=16)


class OwnTokenOut(BaseModel):
    value: str


class TotpOut(BaseModel):
    secret: str
    otpauth_uri: str


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=1024)


def _answer(
    result: DriverLoginResult, request: Request, response: Response, container: ContainerDep
) -> DriverLoginOut:
    if result.kind is LoginKind.CHALLENGE:
        return DriverLoginOut(status="mfa_required", challenge=result.token)
    max_age = int(container.auth.absolute_timeout.total_seconds())
    set_driver_cookie(request, response, result.token, max_age)
    return DriverLoginOut(
        status="ok", driver_id=result.driver_id, csrf_token=csrf_token(result.token)
    )


@public.post("/login", summary="A driver logs in: a session cookie, or a TOTP challenge",
             responses=_LOGIN_RESPONSES)  # fmt: skip
async def driver_login(
    body: LoginIn, request: Request, response: Response, container: ContainerDep
) -> DriverLoginOut:
    result = await container.driver_auth.login(
        body.email, body.password, client_address(request), request.headers.get("user-agent")
    )
    return _answer(result, request, response, container)


@public.post("/mfa", summary="Finish a driver's login with a TOTP code",
             responses=_LOGIN_RESPONSES)  # fmt: skip
async def driver_mfa(
    body: MfaIn, request: Request, response: Response, container: ContainerDep
) -> DriverLoginOut:
    result = await container.driver_auth.complete_mfa(
        body.challenge, body.code, client_address(request), request.headers.get("user-agent")
    )
    return _answer(result, request, response, container)


@public.post("/setup", status_code=204, responses=_LOGIN_RESPONSES,
             summary="A driver sets a password with the one-time setup token")  # fmt: skip
async def driver_setup(body: SetupIn, request: Request, container: ContainerDep) -> Response:
    await container.driver_auth.complete_setup(body.token, body.password, client_address(request))
    return Response(status_code=204)


@router.post("/logout", status_code=204, summary="End this driver's login session",
             responses=_SELF_RESPONSES)  # fmt: skip
async def driver_logout(request: Request, container: ContainerDep, me: DriverDep) -> Response:
    await container.driver_auth.logout(me, client_address(request))
    response = Response(status_code=204)
    clear_driver_cookie(request, response)
    return response


async def _me_out(request: Request, container: ContainerDep, driver_id: str) -> DriverMeOut:
    driver = await container.drivers.get(driver_id)
    cookie = request.cookies.get(DRIVER_COOKIE)
    return DriverMeOut(
        **DriverOut.from_domain(driver).model_dump(),
        totp_enabled=await container.driver_auth.totp_enabled(driver_id),
        csrf_token=csrf_token(cookie) if cookie else None,
    )


@router.get("/me", summary="The driver's own data", responses=_SELF_RESPONSES)
async def driver_me(request: Request, container: ContainerDep, me: DriverDep) -> DriverMeOut:
    return await _me_out(request, container, me.driver_id)


@router.patch("/me", summary="Change one's own name, phone, address or language",
              responses=_SELF_RESPONSES)  # fmt: skip
async def driver_update_me(
    body: DriverSelfUpdate, request: Request, container: ContainerDep, me: DriverDep
) -> DriverMeOut:
    changes = body.model_dump(exclude_unset=True)
    if changes:
        await container.drivers.update(
            me.driver_id, changes, actor=me.actor, source=client_address(request)
        )
    return await _me_out(request, container, me.driver_id)


@router.get("/me/tokens", summary="One's own id tokens", responses=_SELF_RESPONSES)
async def driver_tokens(container: ContainerDep, me: DriverDep) -> list[OwnTokenOut]:
    return [OwnTokenOut(value=v) for v in await container.driver_auth.my_tokens(me)]


@router.get("/me/sessions", summary="One's own charging sessions (the newest 200)",
            responses=_SELF_RESPONSES)  # fmt: skip
async def driver_sessions(container: ContainerDep, me: DriverDep) -> list[SessionOut]:
    return [SessionOut.from_domain(s) for s in await container.driver_auth.my_sessions(me)]


@router.get("/me/sessions/{session_id}", summary="One of one's own charging sessions",
            responses=_SELF_RESPONSES | NOT_FOUND_RESPONSE)  # fmt: skip
async def driver_session(
    session_id: SessionRowId, container: ContainerDep, me: DriverDep
) -> SessionOut:
    for session in await container.driver_auth.my_sessions(me):
        if session.id == session_id:
            return SessionOut.from_domain(session)
    raise UnknownSession(f"session {session_id} not found")  # another's: as if none


@router.get("/me/cdrs", summary="One's own charge detail records (the newest 200)",
            responses=_SELF_RESPONSES)  # fmt: skip
async def driver_cdrs(container: ContainerDep, me: DriverDep) -> list[CdrOut]:
    return [CdrOut.from_domain(c) for c in await container.driver_auth.my_cdrs(me)]


@router.get("/me/export", summary="Everything held about oneself, as JSON (GDPR)",
            responses=_SELF_RESPONSES)  # fmt: skip
async def driver_export(request: Request, container: ContainerDep, me: DriverDep) -> Any:
    return await container.drivers.export(
        me.driver_id, actor=me.actor, source=client_address(request)
    )


@router.post("/me/password", status_code=204, responses=_SELF_RESPONSES,
             summary="Change one's password (the current one needed)")  # fmt: skip
async def driver_password(
    body: PasswordChangeIn, request: Request, container: ContainerDep, me: DriverDep
) -> Response:
    await container.driver_auth.change_password(
        me, body.current_password, body.new_password, client_address(request)
    )
    return Response(status_code=204)


@router.get("/me/logins", summary="One's live login sessions", responses=_SELF_RESPONSES)
async def driver_logins(container: ContainerDep, me: DriverDep) -> list[LoginSessionOut]:
    sessions = await container.driver_auth.logins(me)
    return [LoginSessionOut.from_domain(s, me.session_id) for s in sessions]


@router.delete("/me/logins/{login_id}", status_code=204, summary="End one of one's logins",
               responses=_SELF_RESPONSES | NOT_FOUND_RESPONSE)  # fmt: skip
async def driver_end_login(
    login_id: str, request: Request, container: ContainerDep, me: DriverDep
) -> Response:
    await container.driver_auth.end_login(me, login_id, client_address(request))
    return Response(status_code=204)


@router.post("/me/mfa/totp", summary="Start optional TOTP: the secret and otpauth URI",
             responses=_SELF_RESPONSES)  # fmt: skip
async def driver_enrol(request: Request, container: ContainerDep, me: DriverDep) -> TotpOut:
    secret, uri = await container.driver_auth.enrol_totp(me, client_address(request))
    return TotpOut(secret=secret, otpauth_uri=uri)


@router.post("/me/mfa/totp/confirm", status_code=204, responses=_SELF_RESPONSES,
             summary="Turn TOTP on with a first code")  # fmt: skip
async def driver_confirm(
    body: CodeIn, request: Request, container: ContainerDep, me: DriverDep
) -> Response:
    await container.driver_auth.confirm_totp(me, body.code, client_address(request))
    return Response(status_code=204)


@router.post("/me/mfa/totp/disable", status_code=204, responses=_SELF_RESPONSES,
             summary="Turn TOTP off (the password needed)")  # fmt: skip
async def driver_disable(
    body: PasswordIn, request: Request, container: ContainerDep, me: DriverDep
) -> Response:
    await container.driver_auth.disable_totp(me, body.password, client_address(request))
    return Response(status_code=204)
