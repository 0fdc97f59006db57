"""The batch writer: shared COMMITs, isolated failures, nothing reported durable before it is."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, event, text

from laddnet.adapters.db.engine import create_engine
from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.bootstrap import Container, build, build_migrated
from laddnet.config import Settings
from laddnet.domain.authorization.model import IdToken
from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.ids import StationId

NOW = datetime(2026, 11, 2, tzinfo=UTC)


def _saver(value: str, fail: bool = False) -> Callable[[SqlUnitOfWork], str]:
    def save(uow: SqlUnitOfWork) -> str:
        uow.tokens.save(IdToken(value), NOW)
        if fail:
            raise ValueError("this unit of work fails")
        return value

    return save


async def _stored(db: SqlDatabase) -> set[str]:
    rows = await db.read(lambda uow: uow.connection.execute(text("SELECT value FROM id_tokens")))
    return {r[0] for r in rows}


async def test_concurrent_units_share_commits(container: Container) -> None:
    db = container.database
    results = await asyncio.gather(*(db.write(_saver(f"t{n}")) for n in range(200)))
    assert results == [f"t{n}" for n in range(200)]
    assert await _stored(db) == {f"t{n}" for n in range(200)}
    assert 1 <= db.commits < 200


async def test_a_failing_unit_is_rolled_back_alone(container: Container) -> None:
    db = container.database
    results = await asyncio.gather(
        *(db.write(_saver(f"t{n}", fail=(n == 3))) for n in range(8)),
        return_exceptions=True,
    )
    assert isinstance(results[3], ValueError)
    assert [r for i, r in enumerate(results) if i != 3] == [f"t{n}" for n in range(8) if n != 3]
    assert await _stored(db) == {f"t{n}" for n in range(8) if n != 3}


async def test_a_failed_commit_fails_every_member(container: Container) -> None:
    db = container.database

    def refuse(_conn: Connection) -> None:
        raise OSError("disk gone")

    event.listen(db.engine, "commit", refuse)
    try:
        results = await asyncio.gather(
            *(db.write(_saver(f"t{n}")) for n in range(5)),
            return_exceptions=True,
        )
    finally:
        event.remove(db.engine, "commit", refuse)
    assert all(isinstance(r, StorageUnavailable) for r in results)
    assert await _stored(db) == set()
    assert await db.write(_saver("after")) == "after"


async def test_answer_comes_only_after_commit(container: Container) -> None:
    db = container.database
    seen: list[str] = []

    def on_commit(_conn: Connection) -> None:
        seen.append("commit")

    event.listen(db.engine, "commit", on_commit)
    try:
        await db.write(_saver("ONE"))
        seen.append("answered")
    finally:
        event.remove(db.engine, "commit", on_commit)
    assert seen == ["commit", "answered"]


async def test_cancelled_waiter_does_not_block_others(container: Container) -> None:
    db = container.database
    first = asyncio.ensure_future(db.write(_saver("SLOW")))
    others = [asyncio.ensure_future(db.write(_saver(f"t{n}"))) for n in range(5)]
    first.cancel()
    assert await asyncio.wait_for(asyncio.gather(*others), 10) == [f"t{n}" for n in range(5)]
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_unreachable_database_is_storage_unavailable() -> None:
    db = SqlDatabase(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    try:
        with pytest.raises(StorageUnavailable):
            await db.write(_saver("X"))
        with pytest.raises(StorageUnavailable):
            await db.read(lambda uow: uow.tokens.get("X"))
    finally:
        await asyncio.to_thread(db.close)


async def test_a_failing_unit_is_isolated_after_autocommit_reads(container: Container) -> None:
    db = container.database
    for _ in range(10):  # pooled connections go through autocommit reads first
        await db.read(lambda uow: uow.tokens.get("X"))
    results = await asyncio.gather(
        db.write(_saver("keep")), db.write(_saver("drop", fail=True)), return_exceptions=True
    )
    assert results[0] == "keep"
    assert isinstance(results[1], ValueError)
    assert await _stored(db) == {"keep"}


async def test_sqlite_write_ahead_log_is_checkpointed_off_the_writer(tmp_path: Path) -> None:
    container = await build_migrated(Settings(database_url=f"sqlite:///{tmp_path}/wal.db"))
    try:
        db = container.database
        await asyncio.gather(*(db.write(_saver(f"t{n}")) for n in range(500)))
        checkpointer = db._checkpointer
        assert checkpointer is not None
        async with asyncio.timeout(10):
            while checkpointer.last is None:
                await asyncio.sleep(0.1)
        busy, wal_frames, checkpointed = checkpointer.last
        assert busy == 0
        assert wal_frames > 0
        assert checkpointed == wal_frames  # every committed page made it to the database file
        assert len(await _stored(db)) == 500
    finally:
        await container.aclose()


async def test_sqlite_write_ahead_log_starts_over_while_the_writer_never_pauses(
    tmp_path: Path,
) -> None:
    """A writer with a full queue leaves checkpoints no moment to catch up: without resets the
    log keeps every page it was ever given (about 30 MB here, without end in production)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/steady.db")
    await (await build_migrated(settings)).aclose()
    db = SqlDatabase(
        create_engine(settings.driver_database_url), checkpoint_interval=0.02, wal_reset_frames=64
    )
    wal = tmp_path / "steady.db-wal"
    largest = 0
    writing = True

    async def watch() -> None:
        nonlocal largest
        while writing:
            largest = max(largest, wal.stat().st_size if wal.exists() else 0)
            await asyncio.sleep(0.005)

    payload = {"data": "x" * 2000}

    def event(n: int) -> Callable[[SqlUnitOfWork], None]:
        return lambda uow: uow.events.station_event(
            StationId(f"CP-{n}"), "DataTransfer", payload, NOW
        )

    try:
        watcher = asyncio.create_task(watch())
        await asyncio.gather(*(db.write(event(n)) for n in range(5000)))
        writing = False
        await watcher
        assert db.wal_resets > 0
        assert largest < 10_000_000
        count = "SELECT count(*) FROM station_events"
        assert await db.read(lambda uow: uow.connection.execute(text(count)).scalar()) == 5000
    finally:
        db.close()


async def test_reads_and_writes_recover_when_postgresql_drops_their_connections(
    postgres_url: str,
) -> None:
    """A PostgreSQL restart (here: every backend of the database terminated) costs at most the
    write group that was on the dropped connection; its callers are told and retry. Reads retry
    on a fresh connection by themselves."""
    url = postgres_url
    container = build(Settings(database_url=url))
    try:
        db = container.database
        await db.write(_saver("before"))
        assert await _stored(db) == {"before"}
        await _terminate_backends(url)
        # Both kinds of reads: through SQLAlchemy, and on the driver's cursor (hot_sql.py).
        assert await db.read(lambda uow: uow.tokens.get("before")) is not None
        await _terminate_backends(url)
        assert await _stored(db) == {"before"}
        try:
            await db.write(_saver("after"))
        except StorageUnavailable:
            await db.write(_saver("after"))  # what a station does: send it again
        assert await _stored(db) == {"before", "after"}
    finally:
        await container.aclose()


async def _terminate_backends(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    async with await psycopg.AsyncConnection.connect(
        url.rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as admin:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
