"""`laddnet serve`: the OCPP gateway and the HTTP API in one process, stopped cleanly by SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import socket
import sys
from collections.abc import Callable, Coroutine, Generator
from enum import StrEnum
from typing import Any

import uvicorn
from sqlalchemy.exc import DBAPIError

from laddnet.adapters.bus.nats import NatsEventBus
from laddnet.adapters.db.engine import is_current, migrate
from laddnet.api.app import create_app
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.errors import LaddnetError
from laddnet.ocpp.routed_link import RoutedLink
from laddnet.ocpp.server import Gateway

log = logging.getLogger("laddnet")


class StartupFailed(LaddnetError):
    """Laddnet could not start (a port in use, an address not on this machine, ...)."""


def _listen(host: str, port: int, what: str) -> socket.socket:
    try:
        sock = socket.create_server((host, port), backlog=2048)
    except OSError as exc:
        raise StartupFailed(f"cannot listen for {what} on {host}:{port}: {exc.strerror}") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    return sock


async def _prepare_database(container: Container, settings: Settings) -> None:
    """The embedded database migrates itself; a server database must be migrated already."""
    try:
        if settings.is_sqlite:
            await migrate(container.engine)
        elif not await asyncio.to_thread(is_current, container.engine):
            raise StartupFailed("the database schema is not the latest: run `laddnet migrate`")
    except (DBAPIError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StartupFailed(f"database unreachable: {reason}") from None


class _ApiServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the runtime owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class Part(StrEnum):
    """What one `laddnet serve` process runs: everything, or its part under `--workers`."""

    ALL = "all"
    GATEWAY = "gateway"  # a worker: the OCPP gateway on the shared port, no API
    API = "api"  # the supervisor of the workers: the API, commands through the bus


async def _connect_bus(container: Container) -> None:
    if container.bus is not None:
        await container.bus.connect()  # BusFailed: a one-line error for the operator
        if isinstance(container.event_bus, NatsEventBus):
            await container.event_bus.start()  # this node's streams hear every node's events


async def serve(
    settings: Settings,
    *,
    on_ready: Callable[[Container, Gateway], Coroutine[Any, Any, None]] | None = None,
    part: Part = Part.ALL,
    background: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT. `background` (the workers' supervisor) runs beside the API
    and is cancelled when Laddnet stops."""
    container = build(settings)
    gateway = Gateway(container) if part is not Part.API else None
    link = container.link if isinstance(container.link, RoutedLink) else None
    api = (
        _ApiServer(
            uvicorn.Config(
                create_app(container),
                host=settings.host,
                port=settings.http_port,
                log_level="warning",
                lifespan="off",
            )
        )
        if part is not Part.GATEWAY
        else None
    )
    sys.setswitchinterval(0.0005)  # the writer thread must not hold the GIL for 5 ms at a time
    # Tens of thousands of long-lived connection objects make full collections slow; collect
    # the young generation as usual but rarely walk the old ones (latency spikes).
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _prepare_database(container, settings)
        if part is not Part.GATEWAY:  # drivers' tokens keyed before tokens were folded (0016)
            await container.driver_tokens.reindex()
        await _connect_bus(container)
        http_socket = (
            _listen(settings.host, settings.http_port, "the HTTP API") if api is not None else None
        )
        if gateway is not None:
            try:
                await gateway.start(reuse_port=part is Part.GATEWAY)
            except OSError as exc:
                if http_socket is not None:
                    http_socket.close()
                where = f"{settings.host}:{settings.ocpp_port}"
                raise StartupFailed(f"cannot listen for OCPP on {where}: {exc.strerror}") from None
        if link is not None:
            await link.start()  # this node's commands and other nodes' presence
        await container.events.start()  # first publishes what an earlier run left unpublished
        if part is not Part.GATEWAY:  # one monitor per API process (its workers have none)
            await container.maintenance.start()
        async with asyncio.TaskGroup() as group:
            expiry = group.create_task(
                container.operations.reservations.run_expiry(settings.reservation_expiry_interval)
            )
            cdr_issuer = group.create_task(container.cdrs.run(settings.cdr_interval))
            if api is not None:  # one check per API process, not per gateway worker
                audit_checks = group.create_task(
                    container.audit.run_checks(settings.audit_check_interval)
                )
                renewals = group.create_task(
                    container.credentials.run_renewals(settings.certificate_check_interval)
                )
            if api is not None and http_socket is not None:
                api_task = group.create_task(api.serve(sockets=[http_socket]))
                while not api.started:
                    if api_task.done():
                        break
                    await asyncio.sleep(0.02)
            if gateway is None:
                log.info("Laddnet API ready: http://%s:%d/docs", settings.host, settings.http_port)
            elif api is None:
                log.info(
                    "Laddnet gateway %s ready: OCPP ws://%s:%d/ocpp/{station_id}",
                    settings.node_id,
                    settings.host,
                    gateway.port,
                )
            else:
                log.info(
                    "Laddnet ready: OCPP ws://%s:%d/ocpp/{station_id}, API http://%s:%d/docs",
                    settings.host,
                    gateway.port,
                    settings.host,
                    settings.http_port,
                )
            if gateway is not None:
                for profile in gateway.tls_servers:
                    port = gateway.tls_port(profile)
                    where = f"wss://{settings.host}:{port}/ocpp/{{station_id}}"
                    log.info("OCPP security profile %d: %s", profile, where)
            extras: list[asyncio.Task[None]] = []
            extras.append(group.create_task(container.sessions.run_gap_timeouts()))
            if on_ready is not None and gateway is not None:
                extras.append(group.create_task(on_ready(container, gateway)))
            watched: list[asyncio.Task[Any]] = [group.create_task(stop.wait())]
            if background is not None:  # when it ends (the workers failed), Laddnet stops
                extras.append(group.create_task(background()))
                watched.append(extras[-1])
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            log.info("stopping: closing station connections and the API")
            container.events.close_streams()  # open event streams would hold uvicorn up
            if api is not None:
                api.should_exit = True
            if gateway is not None:
                await gateway.stop()
            await container.maintenance.stop()
            await container.events.stop()  # publishes the last events (disconnections)
            expiry.cancel()
            cdr_issuer.cancel()
            if api is not None:
                audit_checks.cancel()
                renewals.cancel()
            for extra in extras:
                extra.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if gateway is not None:
            await gateway.stop()
        if link is not None:
            await link.stop()
        await container.aclose()
