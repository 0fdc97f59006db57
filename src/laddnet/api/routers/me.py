"""One's own account: who am I, password, login sessions, two-factor, logout."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from laddnet.api.deps import ContainerDep, PrincipalDep, client_address
from laddnet.api.errors import NOT_FOUND_RESPONSE
from laddnet.api.schemas.accounts import (
    CodeIn,
    LoginSessionOut,
    MeOut,
    PasswordChangeIn,
    RecoveryCodesOut,
    TotpEnrolmentOut,
    UserOut,
)
from laddnet.api.session_cookie import SESSION_COOKIE, clear_session_cookie, csrf_token
from laddnet.domain.accounts.model import Account, Principal, PrincipalKind
from laddnet.domain.errors import InvalidInput

router = APIRouter(tags=["me"])


async def _account(container: ContainerDep, principal: Principal) -> Account:
    if principal.kind is not PrincipalKind.USER:
        raise InvalidInput("this is an API key, not an account; log in as a person")
    return await container.accounts.get(principal.id)


@router.get("/me", summary="The account of this login session")
async def me(request: Request, container: ContainerDep, principal: PrincipalDep) -> MeOut:
    account = await _account(container, principal)
    cookie = request.cookies.get(SESSION_COOKIE)
    out = UserOut.from_domain(account).model_dump()
    return MeOut(**out, csrf_token=csrf_token(cookie) if cookie else None)


@router.post("/me/password", status_code=204, summary="Change one's password (old one needed)")
async def change_password(
    body: PasswordChangeIn, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await _account(container, principal)
    await container.accounts.change_password(
        principal.id,
        body.current_password,
        body.new_password,
        session_id=principal.session_id,
        source=client_address(request),
    )
    return Response(status_code=204)


@router.get("/me/sessions", summary="One's live login sessions")
async def my_sessions(container: ContainerDep, principal: PrincipalDep) -> list[LoginSessionOut]:
    await _account(container, principal)
    sessions = await container.auth.sessions(principal.id)
    return [LoginSessionOut.from_domain(s, principal.session_id) for s in sessions]


@router.delete(
    "/me/sessions/{session_id}",
    status_code=204,
    summary="End one of one's login sessions",
    responses=NOT_FOUND_RESPONSE,
)
async def end_my_session(
    session_id: str, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await _account(container, principal)
    await container.auth.revoke(
        session_id, principal, any_user=False, source=client_address(request)
    )
    return Response(status_code=204)


@router.post("/auth/logout", status_code=204, summary="End this login session")
async def logout(request: Request, container: ContainerDep, principal: PrincipalDep) -> Response:
    await container.auth.logout(principal, client_address(request))
    response = Response(status_code=204)
    clear_session_cookie(request, response)
    return response


@router.post("/me/mfa/totp", summary="Start TOTP enrolment: the secret and its QR code")
async def enrol_totp(
    request: Request, container: ContainerDep, principal: PrincipalDep
) -> TotpEnrolmentOut:
    account = await _account(container, principal)
    enrolment = await container.mfa.enrol(account, principal.actor, client_address(request))
    return TotpEnrolmentOut(
        secret=enrolment.secret, otpauth_uri=enrolment.uri, qr_svg=enrolment.qr_svg
    )


@router.post("/me/mfa/totp/confirm", summary="Turn TOTP on with a first code: ten recovery codes")
async def confirm_totp(
    body: CodeIn, request: Request, container: ContainerDep, principal: PrincipalDep
) -> RecoveryCodesOut:
    account = await _account(container, principal)
    codes = await container.mfa.confirm(
        account,
        body.code,
        session_id=principal.session_id,
        actor=principal.actor,
        source=client_address(request),
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.post(
    "/me/mfa/verify",
    status_code=204,
    summary="Give a second factor now (step-up for actions that need a fresh one)",
)
async def verify(
    body: CodeIn, request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    await _account(container, principal)
    await container.auth.step_up(principal, body.code, client_address(request))
    return Response(status_code=204)


@router.delete("/me/mfa/totp", status_code=204, summary="Turn two-factor off (step-up needed)")
async def disable_totp(
    request: Request, container: ContainerDep, principal: PrincipalDep
) -> Response:
    account = await _account(container, principal)
    await container.mfa.disable(account, actor=principal.actor, source=client_address(request))
    return Response(status_code=204)
