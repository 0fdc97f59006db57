"""The API served by a real uvicorn on an ephemeral port, and HTTP clients against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from laddnet.api.app import create_app
from laddnet.api.deps import ApiContainer
from laddnet.bootstrap import Container

# Apps not serving right now, kept for the next test of this worker: building one costs a
# fifth of a second and its OpenAPI document most of a second more (both cached on the app),
# and an app holds nothing of a test but the container it serves (`app.state.container`).
_idle_apps: list[FastAPI] = []


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 with an OS-chosen port; yield its base URL; shut down cleanly."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws="none", access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()  # surfaces a startup failure
                    raise RuntimeError("uvicorn exited before it started")
                await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        async with asyncio.timeout(10):
            await task


@asynccontextmanager
async def serving_api(container: ApiContainer) -> AsyncIterator[str]:
    """Serve the API over `container` like `serving(create_app(container))`, with an app this
    worker built before if one is idle. A test that changes its app builds its own."""
    app = _idle_apps.pop() if _idle_apps else create_app(container)
    app.state.container = container
    try:
        async with serving(app) as url:
            yield url
    finally:
        app.state.container = None
        _idle_apps.append(app)


@pytest.fixture
def serve() -> Callable[[FastAPI], AbstractAsyncContextManager[str]]:
    """`async with serve(app) as url:` for a test that needs an app of its own."""
    return serving


@pytest.fixture
async def base_url(container: Container) -> AsyncIterator[str]:
    async with serving_api(container) as url:
        yield url


@pytest.fixture
async def admin_key(container: Container) -> str:
    return await container.api_keys.create("admin")


@pytest.fixture
async def anonymous(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends no API key."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
async def client(base_url: str, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated with an admin API key."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        yield client
