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
from typing import Any

import uvicorn
from sqlalchemy.exc import DBAPIError

from laddnet.adapters.db.engine import is_current, migrate
from laddnet.api.app import create_app
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.errors import LaddnetError
from laddnet.ocpp.server import Gateway

log = logging.getLogger("laddnet")


class StartupFailed(LaddnetError):
    """Laddnet could not start (a port in use, an address not on this machine, ...)."""


def _listen(host: str, port: int, what: str) -> socket.socket:
    try:
        return socket.create_server((host, port), backlog=2048)
    except OSError as exc:
        raise StartupFailed(f"cannot listen for {what} on {host}:{port}: {exc.strerror}") from None


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


async def serve(
    settings: Settings,
    *,
    on_ready: Callable[[Container, Gateway], Coroutine[Any, Any, None]] | None = None,
) -> None:
    container = build(settings)
    gateway = Gateway(container)
    api = _ApiServer(
        uvicorn.Config(
            create_app(container),
            host=settings.host,
            port=settings.http_port,
            log_level="warning",
            lifespan="off",
        )
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
        http_socket = _listen(settings.host, settings.http_port, "the HTTP API")
        try:
            await gateway.start()
        except OSError as exc:
            http_socket.close()
            where = f"{settings.host}:{settings.ocpp_port}"
            raise StartupFailed(f"cannot listen for OCPP on {where}: {exc.strerror}") from None
        await container.events.start()  # first publishes what an earlier run left unpublished
        async with asyncio.TaskGroup() as group:
            api_task = group.create_task(api.serve(sockets=[http_socket]))
            expiry = group.create_task(
                container.operations.reservations.run_expiry(settings.reservation_expiry_interval)
            )
            while not api.started:
                if api_task.done():
                    break
                await asyncio.sleep(0.02)
            log.info(
                "Laddnet ready: OCPP ws://%s:%d/ocpp/{station_id}, API http://%s:%d/docs",
                settings.host,
                gateway.port,
                settings.host,
                settings.http_port,
            )
            extra: asyncio.Task[None] | None = None
            if on_ready is not None:
                extra = group.create_task(on_ready(container, gateway))
            await stop.wait()
            log.info("stopping: closing station connections and the API")
            container.events.close_streams()  # open event streams would hold uvicorn up
            api.should_exit = True
            await gateway.stop()
            await container.events.stop()  # publishes the last events (disconnections)
            expiry.cancel()
            if extra is not None:
                extra.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await gateway.stop()
        await container.aclose()
