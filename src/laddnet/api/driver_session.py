"""Drivers' own login sessions on the wire: a cookie of its own (`laddnet_driver`, with the
operators' cookie's attributes and CSRF rule). The driver routes accept only it, and the
operators' routes never read it, so neither kind of session opens the other's routes."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response, Security
from fastapi.security import APIKeyCookie

from laddnet.api.deps import ContainerDep
from laddnet.api.session_cookie import CSRF_HEADER, csrf_token, secure_cookie
from laddnet.domain.errors import NotAuthorized
from laddnet.services.handlers.driver_auth import DriverPrincipal

DRIVER_COOKIE = "laddnet_driver"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_cookie = APIKeyCookie(
    name=DRIVER_COOKIE,
    auto_error=False,
    scheme_name="DriverSession",
    description="A driver's login session (POST /api/v1/driver-auth/login).",
)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, detail=message, headers={"WWW-Authenticate": "Cookie"})


async def require_driver(
    request: Request,
    container: ContainerDep,
    cookie: Annotated[str | None, Security(_cookie)],
) -> DriverPrincipal:
    if not cookie:
        raise _unauthorized(
            "a driver's login session is needed (POST /api/v1/driver-auth/login); operators'"
            " sessions and API keys do not open drivers' routes"
        )
    me = await container.driver_auth.authenticate(cookie)
    if me is None:
        raise _unauthorized("login session ended or unknown; log in again")
    if request.method not in _SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not (sent and hmac.compare_digest(sent.encode(), csrf_token(cookie).encode())):
            raise NotAuthorized(
                f"a change made with a login session needs the {CSRF_HEADER} header"
                " (the csrf_token of the login answer or of GET /api/v1/driver/me)"
            )
    return me


DriverDep = Annotated[DriverPrincipal, Depends(require_driver)]


def set_driver_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        DRIVER_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request),
    )


def clear_driver_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        DRIVER_COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookie(request)
    )
