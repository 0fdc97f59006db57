"""`laddnet serve`: the OCPP gateway and the HTTP API in one process, stopped cleanly by SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Generator
from typing import Any

import uvicorn

from laddnet.adapters.db.engine import migrate
from laddnet.api.app import create_app
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.ocpp.server import Gateway

log = logging.getLogger("laddnet")


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
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        if settings.is_sqlite:
            await migrate(container.engine)  # the embedded database looks after itself
        await gateway.start()
        async with asyncio.TaskGroup() as group:
            api_task = group.create_task(api.serve())
            while not api.started:
                if api_task.done():
                    break
                await asyncio.sleep(0.02)
            log.warning(
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
            log.warning("stopping: closing station connections and the API")
            api.should_exit = True
            await gateway.stop()
            if extra is not None:
                extra.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await gateway.stop()
        await container.aclose()
