"""Request dependencies: the container, API-key authentication and pagination parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from laddnet.domain.errors import NotAuthorized
from laddnet.services.events.service import EventService
from laddnet.services.handlers.api_keys import ApiKeyService, ApiPrincipal, Role
from laddnet.services.handlers.certificates import CertificateService
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.operations import Operations
from laddnet.services.handlers.sites import SiteService
from laddnet.services.handlers.station_admin import StationAdminService
from laddnet.services.queries import Queries

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

# Declares the scheme in the OpenAPI document; the header is parsed below so that each way of
# getting it wrong gets its own message.
_bearer = HTTPBearer(
    auto_error=False, description="An API key (`ldn_<id>_<secret>`) sent as a bearer token."
)


class ApiContainer(Protocol):
    """What the API uses of `laddnet.bootstrap.Container`, which satisfies it.

    A Protocol rather than the class itself: the layer contract forbids `laddnet.api` to import
    the composition root that imports it.
    """

    @property
    def queries(self) -> Queries: ...

    @property
    def api_keys(self) -> ApiKeyService: ...

    @property
    def commands(self) -> CommandService: ...

    @property
    def sites(self) -> SiteService: ...

    @property
    def station_admin(self) -> StationAdminService: ...

    @property
    def events(self) -> EventService: ...

    @property
    def operations(self) -> Operations: ...

    @property
    def certificates(self) -> CertificateService: ...


def get_container(request: Request) -> ApiContainer:
    container: ApiContainer = request.app.state.container
    return container


ContainerDep = Annotated[ApiContainer, Depends(get_container)]


def _unauthorized(message: str, error: str | None) -> HTTPException:
    # RFC 6750 §3: no error attribute when credentials are simply absent.
    challenge = "Bearer" if error is None else f'Bearer error="{error}"'
    return HTTPException(401, detail=message, headers={"WWW-Authenticate": challenge})


async def require_principal(
    request: Request,
    container: ContainerDep,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> ApiPrincipal:
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorized(
            "missing Authorization header; send 'Authorization: Bearer <api key>'", None
        )
    scheme, _sep, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or " " in key:
        raise _unauthorized(
            "malformed Authorization header; expected 'Bearer <api key>'", "invalid_request"
        )
    principal = await container.api_keys.verify(key)
    if principal is None:
        raise _unauthorized("unknown or revoked API key", "invalid_token")
    return principal


PrincipalDep = Annotated[ApiPrincipal, Depends(require_principal)]

WRITER_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})


async def require_writer(principal: PrincipalDep) -> ApiPrincipal:
    """A key that may change things: role operator or admin (a viewer gets 403)."""
    if principal.role not in WRITER_ROLES:
        raise NotAuthorized(f"a {principal.role} key may only read; changes need operator or admin")
    return principal


WriterDep = Annotated[ApiPrincipal, Depends(require_writer)]


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (1 to 500).")
    ] = DEFAULT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]
