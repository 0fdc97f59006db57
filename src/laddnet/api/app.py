"""Builds the FastAPI application around an already-built container."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from laddnet import __version__
from laddnet.api.deps import ApiContainer, ContainerDep, require_principal
from laddnet.api.errors import ERROR_RESPONSES, ErrorBody, install_error_handlers
from laddnet.api.input_guard import guard_input
from laddnet.api.routers import (
    api_keys,
    audit,
    auth,
    cdrs,
    certificates,
    commands,
    customer_information,
    driver_self,
    driver_tokens,
    drivers,
    events,
    ledger,
    log_uploads,
    maintenance,
    me,
    notifications,
    operations,
    problem_reports,
    reports,
    security,
    sessions,
    sites,
    station_admin,
    station_credentials,
    station_guard,
    stations,
    tariffs,
    tickets,
    users,
    webhooks,
)


def create_app(container: ApiContainer) -> FastAPI:
    """The HTTP API over a built `laddnet.bootstrap.Container`.

    The caller owns the container: the app neither builds nor closes it.
    """
    app = FastAPI(
        title="Laddnet",
        version=__version__,
        summary="Operators' API of the Laddnet charging-network management system.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(guard_input)],  # values storage cannot hold: 422, never a 5xx
    )
    app.state.container = container
    install_error_handlers(app)

    # Authentication is declared once here, so no /api/v1 route can forget it.
    v1 = APIRouter(
        prefix="/api/v1", dependencies=[Depends(require_principal)], responses=ERROR_RESPONSES
    )
    v1.include_router(stations.router)
    v1.include_router(sessions.router)
    v1.include_router(commands.router)
    v1.include_router(sites.router)
    v1.include_router(station_admin.router)
    v1.include_router(events.router)
    v1.include_router(webhooks.router)
    v1.include_router(operations.router)
    v1.include_router(security.router)
    v1.include_router(tariffs.router)
    v1.include_router(cdrs.router)
    v1.include_router(ledger.router)
    v1.include_router(me.router)
    v1.include_router(users.router)
    v1.include_router(api_keys.router)
    v1.include_router(audit.router)
    v1.include_router(drivers.router)
    v1.include_router(drivers.keys_router)
    v1.include_router(driver_tokens.router)
    v1.include_router(maintenance.router)
    v1.include_router(tickets.router)
    v1.include_router(reports.router)
    v1.include_router(notifications.router)
    v1.include_router(certificates.router)
    v1.include_router(station_credentials.router)
    v1.include_router(station_guard.router)
    v1.include_router(customer_information.router)
    app.include_router(v1)
    app.include_router(auth.router)  # logging in needs no key
    app.include_router(driver_self.public)  # drivers log in without a key
    app.include_router(driver_self.router)  # drivers' own data: their login session only
    app.include_router(log_uploads.router)  # stations upload here; the token authenticates
    app.include_router(problem_reports.router)  # drivers, without a key; rate-limited
    app.add_api_route(
        "/healthz",
        healthz,
        methods=["GET"],
        tags=["health"],
        summary="Liveness and database reachability; no key needed",
        responses={503: {"model": ErrorBody, "description": "The database is unreachable"}},
    )
    return app


async def healthz(container: ContainerDep) -> dict[str, str]:
    # Any failure surfaces as StorageUnavailable, which the error table turns into a 503.
    await container.queries.stations(limit=1)
    return {"status": "ok"}
