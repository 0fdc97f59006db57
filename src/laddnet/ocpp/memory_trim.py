"""Memory given back to the operating system after a storm of connections.

A storm of thousands of logins and TLS handshakes allocates and frees many short-lived buffers
(OpenSSL's handshake buffers, HTTP requests, argon2 memory) in glibc's heap. glibc keeps what
was freed for the process: the resident memory stays at the storm's peak although most of it is
free. `malloc_trim` returns the free pages (10,000 TLS stations: 77 → 54 KiB each, see
docs/performance.md). A trim takes 10-400 ms, so it runs in a thread, once a storm has settled,
and otherwise at most every `every` seconds when connections came and went meanwhile. Without
glibc (`malloc_trim` not found) nothing is done.

Before the trim that follows a storm, a full garbage collection runs. Its objects (10,000
connections' worth) reach the oldest generation during the storm, and CPython's first full
collection after that walks all of them: over a second with 10,000 TLS stations, at a moment
of its choosing, in the middle of the traffic that follows. Run when the storm has settled, it
happens at a known time, and the next one only after a quarter as many objects again have
survived (measured: docs/performance.md).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrimPolicy:
    storm: int = 1_000  # connections since the last trim that make a storm
    settled: int = 50  # a storm has settled when fewer than this came in the last check
    every: float = 600.0  # seconds: trim anyway this often if any connection came

    def due(self, since_trim: int, since_check: int, seconds_since_trim: float) -> bool:
        """Whether to trim now, given connections opened since the last trim and since the
        last check, and the time since the last trim."""
        if self.settled_storm(since_trim, since_check):
            return True
        return since_trim > 0 and seconds_since_trim >= self.every

    def settled_storm(self, since_trim: int, since_check: int) -> bool:
        return since_trim >= self.storm and since_check < self.settled


def malloc_trim() -> Callable[[], object] | None:
    """glibc's `malloc_trim(0)`, or None where there is no such function."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)  # ctypes releases the GIL for the call


async def trim_after_storms(
    opened: Callable[[], int],
    *,
    check_every: float = 5.0,
    policy: TrimPolicy = TrimPolicy(),
    trim: Callable[[], object] | None = None,
    collect: Callable[[], object] = gc.collect,
) -> None:
    """Run until cancelled: trim when `policy` says so, after a full collection if a storm
    has settled; `opened()` counts connections so far."""
    trim = trim or malloc_trim()
    if trim is None:
        return
    at_trim = at_check = opened()
    trimmed_at = time.monotonic()
    while True:
        await asyncio.sleep(check_every)
        now = opened()
        if policy.due(now - at_trim, now - at_check, time.monotonic() - trimmed_at):
            started = time.perf_counter()
            if policy.settled_storm(now - at_trim, now - at_check):
                collect()  # in the loop's thread: a collection holds the GIL wherever it runs
                took = (time.perf_counter() - started) * 1000
                log.info("garbage collected after %d connections (%.0f ms)", now - at_trim, took)
                started = time.perf_counter()
            await asyncio.to_thread(trim)
            took = (time.perf_counter() - started) * 1000
            log.info("memory trimmed after %d connections (%.0f ms)", now - at_trim, took)
            at_trim, trimmed_at = now, time.monotonic()
        at_check = now
