"""The database as the services see it: batched writes on one thread, reads on a pool.

Writes: every unit of work is a plain function of a unit of work. One writer thread runs the
units of work queued at that moment in ONE transaction, COMMITs once and only then resolves
their futures. So the gateway still answers a station only after its data is committed (ack
after commit), a hundred stations cost one COMMIT, and no SQL runs on the event loop. If any
unit of work fails, the group is rolled back and each of its units of work runs again in a
transaction of its own, so one failure costs the others a retry, never their data: cheaper in
the common case than a SAVEPOINT around every unit of work. On SQLite the writer is the
process's only writer (BEGIN IMMEDIATE), so pooled connections never fight over the write lock.

Reads run in a small thread pool, statement by statement (autocommit), each reader thread on a
connection of its own that it keeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from laddnet.adapters.db.checkpointer import RESET_FRAMES, WalCheckpointer
from laddnet.adapters.db.session_cache import SessionCache
from laddnet.adapters.db.unit_of_work import SqlUnitOfWork
from laddnet.domain.errors import StorageUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)
_DB_ERRORS = (DBAPIError, OSError)


@dataclass
class _Job:
    work: Callable[[SqlUnitOfWork], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    result: Any = None
    error: BaseException | None = None
    retry: bool = False


_STOP = object()


class SqlDatabase:
    def __init__(
        self,
        engine: Engine,
        *,
        max_group: int = 64,
        readers: int = 4,
        checkpoint_interval: float = 1.0,
        wal_reset_frames: int = RESET_FRAMES,
    ) -> None:
        self.engine = engine
        self._max_group = max_group
        self._jobs: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="laddnet-db-read")
        self._reader = threading.local()
        self._reader_conns: set[Connection] = set()
        # The writer thread's own: a connection held across groups (a pool checkout and its
        # reset-on-return rollback per group cost more than a small group's SQL) and its cache.
        self._conn: Connection | None = None
        self._sessions = SessionCache()
        self._sqlite = engine.dialect.name == "sqlite"
        self._checkpointer = (
            WalCheckpointer(engine, checkpoint_interval, wal_reset_frames) if self._sqlite else None
        )
        self.wal_resets = 0  # read by tests
        self.commits = 0  # groups committed; read by tests and the benchmark
        # Called on the writer thread after a commit that stored outbox events (the relay's
        # nudge); it must be quick and thread-safe.
        self.on_outbox_commit: Callable[[], None] | None = None
        # Statements on raw cursors raise the driver's own errors, not SQLAlchemy's wrappers.
        self._db_errors: tuple[type[BaseException], ...] = (
            *_DB_ERRORS,
            engine.dialect.loaded_dbapi.Error,
        )

    async def write(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        """Run `work` in the next group; return once its group is committed."""
        self._ensure_thread()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, future, loop))
        return await future

    async def read(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read, work)

    def close(self) -> None:
        thread = self._thread
        if thread is not None:
            self._jobs.put(_STOP)
            thread.join(timeout=30)
            self._thread = None
            if self._checkpointer is not None:
                self._checkpointer.stop()
        self._readers.shutdown(wait=True)
        for conn in self._reader_conns:
            _close(conn, self._db_errors)
        self._reader_conns.clear()
        self.engine.dispose()

    def _read(self, work: Callable[[SqlUnitOfWork], T]) -> T:
        reused = getattr(self._reader, "conn", None) is not None
        try:
            return work(SqlUnitOfWork(self._reader_connection()))
        except self._db_errors as exc:  # the driver's own errors too: hot_sql uses its cursor
            self._discard_reader()
            if reused:  # perhaps only this kept connection broke (a database restart): retry
                return self._read(work)
            raise StorageUnavailable("database unavailable") from exc

    def _reader_connection(self) -> Connection:
        conn: Connection | None = getattr(self._reader, "conn", None)
        if conn is None:
            # Autocommit: a read needs no BEGIN/ROLLBACK round trips around it.
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._reader.conn = conn
            with self._thread_lock:
                self._reader_conns.add(conn)
        return conn

    def _discard_reader(self) -> None:
        conn: Connection | None = getattr(self._reader, "conn", None)
        self._reader.conn = None
        if conn is not None:
            with self._thread_lock:
                self._reader_conns.discard(conn)
            _close(conn, self._db_errors)

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._thread_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="laddnet-db-writer", daemon=True
                )
                self._thread.start()
                if self._checkpointer is not None:
                    self._checkpointer.start()

    def _run(self) -> None:
        while True:
            first = self._jobs.get()
            if first is _STOP:
                self._discard_connection()
                return
            group = [first]
            while len(group) < self._max_group:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    self._jobs.put(_STOP)
                    break
                group.append(job)
            self._run_group([j for j in group if isinstance(j, _Job)])
            if self._checkpointer is not None and self._checkpointer.reset_wanted.is_set():
                self._reset_wal()

    def _run_group(self, jobs: list[_Job]) -> None:
        jobs = [job for job in jobs if not job.future.cancelled()]
        if not jobs:
            return
        try:
            self._commit(jobs)
        except _JobFailed:
            self._sessions.clear()
            if any(isinstance(job.error, StorageUnavailable) for job in jobs):
                self._discard_connection()  # it may be the connection that broke
            _fail(jobs, None, retry=len(jobs) > 1)
        except self._db_errors as exc:
            self._sessions.clear()
            self._discard_connection()  # the next group starts on a fresh one
            log.info("database write failed: %s", type(exc).__name__)
            _fail(jobs, _unavailable(exc), retry=len(jobs) > 1)
        except Exception as exc:
            # Deliberately broad: whatever broke the group, every waiter must hear of it.
            self._sessions.clear()
            log.exception("database write group failed")
            _fail(jobs, exc, retry=len(jobs) > 1)
        if len(jobs) > 1 and any(job.retry for job in jobs):
            for job in jobs:
                self._run_group([job])  # alone: its own outcome, whatever the others did
            return
        _deliver(jobs)

    def _commit(self, jobs: list[_Job]) -> None:
        """Run the jobs in one transaction; the first failing job rolls back the group."""
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(sqlite_immediate=True)
            if self._sqlite:  # the checkpointer thread does it instead (see checkpointer.py)
                cursor = self._conn.connection.cursor()
                cursor.execute("PRAGMA wal_autocheckpoint=0")
                cursor.close()
        conn = self._conn
        with conn.begin():
            uow = SqlUnitOfWork(conn, self._sessions)
            for job in jobs:
                try:
                    job.result = job.work(uow)
                except self._db_errors as exc:
                    job.error = _unavailable(exc)
                    raise _JobFailed from exc
                except Exception as exc:
                    # The job's own error (a domain error, a bug): its caller gets it.
                    job.error = exc
                    raise _JobFailed from exc
        self.commits += 1
        if uow.outbox_events_added and self.on_outbox_commit is not None:
            self.on_outbox_commit()

    def _reset_wal(self) -> None:
        """Checkpoint what the checkpointer thread's last pass left, while this thread (the
        only writer in this process) writes nothing, so that the log starts over from its
        beginning (see checkpointer.py). RESTART, not TRUNCATE: freeing and growing the file
        again made each reset take 40 ms instead of 16.
        It waits for readers still on an older snapshot, which read for milliseconds, and for
        another process's write (a CLI import) at most 100 ms: then the next pass asks again."""
        assert self._checkpointer is not None
        self._checkpointer.reset_wanted.clear()
        if self._conn is None:
            return
        try:
            cursor = self._conn.connection.cursor()
            try:
                cursor.execute("PRAGMA busy_timeout")
                timeout_ms = _one_row(cursor)[0]
                cursor.execute("PRAGMA busy_timeout = 100")
                try:
                    cursor.execute("PRAGMA wal_checkpoint(RESTART)")
                    busy = _one_row(cursor)[0]
                finally:
                    cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
            finally:
                cursor.close()
        except self._db_errors as exc:
            log.warning("WAL reset failed: %s", type(exc).__name__)
            return
        if not busy:
            self.wal_resets += 1

    def _discard_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            _close(conn, self._db_errors)


def _one_row(cursor: Any) -> Any:
    row = cursor.fetchone()
    assert row is not None  # a PRAGMA that reports always returns its row
    return row


def _close(conn: Connection, db_errors: tuple[type[BaseException], ...]) -> None:
    """Close a connection that may be broken: it is not returned to the pool."""
    with contextlib.suppress(*db_errors):
        conn.invalidate()
    with contextlib.suppress(*db_errors):
        conn.close()


class _JobFailed(Exception):
    """A unit of work raised; its error is on its job and the group is rolled back."""


def _unavailable(cause: BaseException) -> StorageUnavailable:
    error = StorageUnavailable("database unavailable")
    error.__cause__ = cause
    return error


def _fail(jobs: list[_Job], error: BaseException | None, *, retry: bool) -> None:
    """After a rollback: retry the group's jobs one by one, or hand a lone job its error."""
    for job in jobs:
        job.result = None
        if retry:
            job.error, job.retry = None, True
        else:
            job.error = job.error or error


def _deliver(jobs: list[_Job]) -> None:
    """Settle the jobs' futures on their event loops, with one wake-up per loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in jobs:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle, settled)


def _settle(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done():
            continue  # cancelled while waiting; its work is committed all the same
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)
