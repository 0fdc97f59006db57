"""Request dependencies: the container, authentication (API key or login-session cookie, with
the route's permission checked against the role table) and pagination parameters."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from laddnet.api.permissions import authorize
from laddnet.api.session_cookie import CSRF_HEADER, SESSION_COOKIE, csrf_token
from laddnet.domain.accounts.model import Principal
from laddnet.domain.errors import NotAuthorized, UnknownSession, UnknownSite, UnknownStation
from laddnet.domain.ids import StationId
from laddnet.ports import Clock
from laddnet.services.events.service import EventService
from laddnet.services.handlers.accounts import AccountService
from laddnet.services.handlers.api_keys import ApiKeyService, ApiPrincipal
from laddnet.services.handlers.audit import AuditService
from laddnet.services.handlers.auth import AuthService
from laddnet.services.handlers.cdrs import CdrService
from laddnet.services.handlers.certificates import CertificateService
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.driver_auth import DriverAuthService
from laddnet.services.handlers.driver_tokens import DriverTokenService
from laddnet.services.handlers.drivers import DriverService
from laddnet.services.handlers.ledger import LedgerService
from laddnet.services.handlers.mfa import MfaService
from laddnet.services.handlers.operations import Operations
from laddnet.services.handlers.sites import SiteService
from laddnet.services.handlers.station_admin import StationAdminService
from laddnet.services.handlers.station_credentials import StationCredentialService
from laddnet.services.handlers.station_guard import StationGuardService
from laddnet.services.handlers.tariffs import TariffService
from laddnet.services.maintenance.service import MaintenanceService
from laddnet.services.queries import Queries

MAX_PAGE_SIZE = 500
V1_PREFIX = "/api/v1"
MAX_OFFSET = 1_000_000_000
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
    def tariffs(self) -> TariffService: ...

    @property
    def cdrs(self) -> CdrService: ...

    @property
    def ledger(self) -> LedgerService: ...

    @property
    def accounts(self) -> AccountService: ...

    @property
    def auth(self) -> AuthService: ...

    @property
    def mfa(self) -> MfaService: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def audit(self) -> AuditService: ...

    @property
    def drivers(self) -> DriverService: ...

    @property
    def driver_tokens(self) -> DriverTokenService: ...

    @property
    def maintenance(self) -> MaintenanceService: ...

    @property
    def certificates(self) -> CertificateService: ...

    @property
    def credentials(self) -> StationCredentialService: ...

    @property
    def station_guard(self) -> StationGuardService: ...

    @property
    def driver_auth(self) -> DriverAuthService: ...


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
    """Who is calling, allowed to call this route: an API key (Authorization header) or a
    login session (cookie; a change then needs the CSRF header too)."""
    principal = await _authenticate(request, container)
    path = route_template(request)
    fresh = principal.fresh_second_factor(container.clock.now())
    authorize(principal, request.method, path, fresh_second_factor=fresh)
    if principal.sites is not None:
        await _check_scope(principal, path, request.path_params, container)
    return principal


async def _check_scope(
    principal: Principal, path: str, params: dict[str, Any], container: ApiContainer
) -> None:
    """An object outside a principal's site scope answers 404, as if it did not exist."""
    station_id = params.get("station_id")
    if station_id is not None:
        station = await container.queries.station(StationId(str(station_id)))
        if station is None or not principal.sees_site(station.site_id):
            raise UnknownStation(f"station {station_id!r} not found")
    session_id = params.get("session_id")
    if session_id is not None and path.startswith("/api/v1/sessions/"):
        number = int(session_id) if str(session_id).isdigit() else -1
        session = await container.queries.session(number)
        station = (
            await container.queries.station(StationId(session.station_id)) if session else None
        )
        if station is None or not principal.sees_site(station.site_id):
            raise UnknownSession(f"session {session_id} not found")
    site_id = params.get("site_id")
    if site_id is not None and not principal.sees_site(str(site_id)):
        raise UnknownSite(f"site {site_id!r} not found")


def route_template(request: Request) -> str:
    """The matched route's path template under /api/v1 (e.g. /api/v1/stations/{station_id});
    routes of an included router carry the path without the /api/v1 prefix."""
    route = request.scope.get("route")
    path = str(getattr(route, "path", request.url.path))
    return path if path.startswith(V1_PREFIX + "/") else V1_PREFIX + path


async def _authenticate(request: Request, container: ApiContainer) -> Principal:
    header = request.headers.get("authorization")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not header and cookie:
        principal = await container.auth.authenticate(cookie)
        if principal is None:
            raise _unauthorized("login session ended or unknown; log in again", "invalid_token")
        if request.method not in _SAFE_METHODS and not _csrf_ok(request, cookie):
            raise NotAuthorized(
                f"a change made with a login session needs the {CSRF_HEADER} header"
                " (the csrf_token of the login answer or of GET /api/v1/me)"
            )
        return principal
    if not header:
        raise _unauthorized(
            "missing Authorization header; send 'Authorization: Bearer <api key>'"
            " or log in (POST /api/v1/auth/login) for a session cookie",
            None,
        )
    scheme, _sep, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key or " " in key:
        raise _unauthorized(
            "malformed Authorization header; expected 'Bearer <api key>'", "invalid_request"
        )
    principal = await container.api_keys.verify(key)
    if principal is None:
        raise _unauthorized("unknown or revoked API key, or expired", "invalid_token")
    return principal


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _csrf_ok(request: Request, cookie: str) -> bool:
    sent = request.headers.get(CSRF_HEADER, "")
    return bool(sent) and hmac.compare_digest(sent.encode(), csrf_token(cookie).encode())


PrincipalDep = Annotated[ApiPrincipal, Depends(require_principal)]


async def require_writer(principal: PrincipalDep) -> ApiPrincipal:
    """The caller of a route that changes something. Whether the role may is decided with
    every other permission, from the route table (`laddnet.api.permissions`)."""
    return principal


WriterDep = Annotated[ApiPrincipal, Depends(require_writer)]


# Tariffs, reviews and the ledger: role admin (a `finance` role joins when accounts have roles).
async def require_finance(principal: PrincipalDep) -> ApiPrincipal:
    """The caller of a route that changes prices or money records; whether the role may is
    decided from the route table (`laddnet.api.permissions`: pricing:manage)."""
    return principal


FinanceDep = Annotated[ApiPrincipal, Depends(require_finance)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page (1 to 500).")
    ] = DEFAULT_PAGE_SIZE,
    # Bounded: a 40-digit offset overflowed the database's integer (a 500 before).
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]
