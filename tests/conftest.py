"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a built container.

PostgreSQL runs at 127.0.0.1:5432 (trust auth). Each test gets a fresh database copied from a
migrated template (on SQLite too: a copy of a file migrated once per worker, as running the
migrations costs more than half a second a test). With CI=true a missing PostgreSQL fails the
test; locally it is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest

from laddnet.bootstrap import Container, build, build_migrated
from laddnet.config import Settings

PG_DSN = os.environ.get("LADDNET_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# People's passwords at a low argon2id cost in tests (the default, OWASP's 19 MiB and 2 passes,
# costs ~50 ms a hash); a test that wants the real cost passes it to Settings.
os.environ.setdefault("LADDNET_PASSWORD_HASH_MEMORY_KIB", "256")
os.environ.setdefault("LADDNET_PASSWORD_HASH_TIME_COST", "1")
# pytest loads this file as the module `conftest`; `from tests.conftest import ...` makes a
# second copy with its own state (its own template, copy thread and teardown-less globals).
# Take PostgreSQL databases through the `database_url` / `postgres_url` fixtures, never by
# importing `fresh_postgres_url`.
_TEMPLATE = f"laddnet_tpl_{os.getpid()}"
_template_ready = False
_sqlite_template: Path | None = None


async def _pg_admin() -> psycopg.AsyncConnection[object]:
    try:
        return await psycopg.AsyncConnection.connect(
            f"{PG_DSN}/postgres", connect_timeout=5, autocommit=True
        )
    except (OSError, psycopg.Error) as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and unreachable at {PG_DSN}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_DSN}")


async def _ensure_template() -> None:
    global _template_ready
    if _template_ready:
        return
    admin = await _pg_admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE}"')
        await admin.execute(f'CREATE DATABASE "{_TEMPLATE}"')
    finally:
        await admin.close()
    container = await build_migrated(Settings(database_url=f"{PG_DSN}/{_TEMPLATE}"))
    await container.aclose()
    _template_ready = True


async def fresh_sqlite_url(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, name: str = "laddnet.db"
) -> str:
    """A migrated SQLite database `name` in `tmp_path`: a copy of one migrated once per worker."""
    global _sqlite_template
    if _sqlite_template is None:
        template = tmp_path_factory.mktemp("sqlite-template") / "laddnet.db"
        container = await build_migrated(Settings(database_url=f"sqlite:///{template}"))
        await container.aclose()
        # Closed, the database is the one file (WAL checkpointed): a copy is a migrated database.
        assert [p.name for p in template.parent.iterdir()] == [template.name]
        _sqlite_template = template
    target = tmp_path / name
    shutil.copyfile(_sqlite_template, target)
    return f"sqlite:///{target}"


class _Copies:
    """Copies of the template made ahead of the tests that take them, and used ones dropped,
    by a thread of this worker: CREATE DATABASE waits mostly on the disk, so the next test's
    copy is made while this test runs instead of before it."""

    def __init__(self) -> None:
        self._ready: queue.Queue[str] = queue.Queue(maxsize=1)
        self._used: queue.Queue[str | None] = queue.Queue()  # None: stop
        self._thread = threading.Thread(target=self._run, name="pg-copies", daemon=True)
        self._thread.start()

    def take(self) -> str:
        while True:
            with contextlib.suppress(queue.Empty):
                return self._ready.get(timeout=1)
            if not self._thread.is_alive():
                raise RuntimeError("the thread making PostgreSQL test databases died")

    def drop(self, name: str) -> None:
        self._used.put(name)

    def close(self) -> list[str]:
        """Stop the thread; the copies it did not drop (for the caller to drop)."""
        self._used.put(None)
        self._thread.join(timeout=60)
        left = []
        for waiting in (self._ready, self._used):
            while not waiting.empty():
                if (name := waiting.get()) is not None:
                    left.append(name)
        return left

    def _run(self) -> None:
        with psycopg.connect(f"{PG_DSN}/postgres", connect_timeout=5, autocommit=True) as admin:
            while True:
                name = f"laddnet_t_{uuid.uuid4().hex[:12]}"
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE}"')
                # A commit need not wait for the WAL to reach the disk: what it wrote is visible
                # at once all the same, and only a crash of PostgreSQL itself (never part of a
                # test) could lose it. A test's database takes hundreds of commits.
                admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
                while True:  # drop the used copies while this one waits to be taken
                    if not self._drop_used(admin):
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        return
                    with contextlib.suppress(queue.Full):
                        self._ready.put(name, timeout=0.05)
                        break

    def _drop_used(self, admin: psycopg.Connection[tuple[object, ...]]) -> bool:
        """Drop what tests handed back; False once told to stop."""
        while True:
            try:
                name = self._used.get_nowait()
            except queue.Empty:
                return True
            if name is None:
                return False
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_copies: _Copies | None = None


async def fresh_postgres_url() -> str:
    global _copies
    await _ensure_template()
    if _copies is None:
        _copies = _Copies()
    return f"{PG_DSN}/{await asyncio.to_thread(_copies.take)}"


async def drop_postgres(url: str) -> None:
    """Drop a database of `fresh_postgres_url` (in the background: nothing waits for it)."""
    assert _copies is not None
    _copies.drop(url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated, empty database: the same test runs on both backends."""
    if request.param == "sqlite":
        yield await fresh_sqlite_url(tmp_path, tmp_path_factory)
        return
    url = await fresh_postgres_url()
    try:
        yield url
    finally:
        await drop_postgres(url)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A migrated, empty PostgreSQL database, for what only a server database can do (several
    processes sharing it)."""
    url = await fresh_postgres_url()
    try:
        yield url
    finally:
        await drop_postgres(url)


@pytest.fixture
async def container(database_url: str) -> AsyncIterator[Container]:
    c = build(Settings(database_url=database_url))
    try:
        yield c
    finally:
        await c.aclose()


@pytest.fixture(scope="session", autouse=True)
def _drop_template() -> Iterator[None]:
    yield
    if not _template_ready:
        return
    left = _copies.close() if _copies is not None else []
    with psycopg.connect(f"{PG_DSN}/postgres", connect_timeout=5, autocommit=True) as admin:
        for name in [*left, _TEMPLATE]:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`), keep every NATS test on one worker: all nodes
    share the `laddnet.` subject prefix, so two NATS tests at once would see each other's
    messages."""
    from tests import bus

    for item in items:
        module = getattr(item, "module", None)
        if module is not None and getattr(module, "nats_url", None) is bus.nats_url:
            item.add_marker(pytest.mark.xdist_group("nats"))
