"""The login-session cookie and its CSRF token.

The cookie is HttpOnly and SameSite=Strict, and Secure unless the API is reached over plain
http on the local machine (a browser would not send a Secure cookie back there). The CSRF
token is derived from the session token, so nothing more is stored; a script on another site
can neither read the cookie nor compute the token.
"""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

SESSION_COOKIE = "laddnet_session"
CSRF_HEADER = "X-CSRF-Token"
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def csrf_token(session_token: str) -> str:
    return hashlib.sha256(b"laddnet-csrf\0" + session_token.encode()).hexdigest()


def secure_cookie(request: Request) -> bool:
    return not (request.url.scheme == "http" and request.url.hostname in _LOCAL_HOSTS)


def set_session_cookie(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure_cookie(request),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookie(request)
    )
