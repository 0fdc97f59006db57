"""SQLite WAL checkpoints on a thread of their own, so that no commit waits for one.

By default the connection whose commit pushes the write-ahead log past 1000 pages copies it
into the database file and syncs it, inside that commit: tens of milliseconds during which the
batch writer, and every station waiting for it, stands still. The writer's connection turns
that off (`PRAGMA wal_autocheckpoint=0`) and this thread checkpoints instead, PASSIVE (never
blocking the writer or readers), once a second.

A PASSIVE checkpoint never catches up with a writer that never pauses, and SQLite starts the log
afresh only when a write begins after a checkpoint copied all of it: under steady traffic the
log grew by about 20 MB a second, without end (and the memory mapping its index with it). So
once the log holds `reset_frames` pages this thread asks the writer, through `reset_wanted`, to
checkpoint the rest itself between two groups (`SqlDatabase._reset_wal`), when nothing writes:
that copies only what the last pass left (10-25 ms), and the log starts over from its
beginning, its file no longer than it had grown.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)


# 65,536 pages of 4 KiB: the log's file stays around 256 MiB. Each reset stops the writer for
# 10-25 ms (at 10,000 stations, one every ~25 s); at 64 MiB they came every ~6 s and showed in
# the busy hour's p99.
RESET_FRAMES = 65_536


class WalCheckpointer:
    def __init__(
        self, engine: Engine, interval: float = 1.0, reset_frames: int = RESET_FRAMES
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._reset_frames = reset_frames
        self.reset_wanted = threading.Event()  # set here, cleared by the writer that resets
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="laddnet-db-checkpoint", daemon=True)
        self.checkpoints = 0  # read by tests
        self.last: tuple[int, int, int] | None = None  # (busy, WAL frames, frames checkpointed)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                # Autocommit: a checkpoint cannot run inside a transaction of its own connection.
                options = {"isolation_level": "AUTOCOMMIT"}
                with self._engine.connect().execution_options(**options) as conn:
                    busy, log_frames, done = conn.exec_driver_sql(
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).one()
                self.checkpoints += 1
                self.last = (busy, log_frames, done)
                if log_frames >= self._reset_frames:
                    self.reset_wanted.set()
            except (DBAPIError, OSError) as exc:
                log.warning("WAL checkpoint failed: %s", type(exc).__name__)
