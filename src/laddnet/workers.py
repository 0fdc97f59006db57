"""`laddnet serve --workers N`: N gateway processes sharing the OCPP port (SO_REUSEPORT) and one
API, joined by the message bus on a PostgreSQL database.

This process supervises: it runs the API (commands reach stations through the bus) and starts
N children, `laddnet serve --worker n`, each a gateway named `<node_id>-<n>`. The kernel spreads
new station connections over the children. SIGTERM here stops every child cleanly; a child that
dies is reported and restarted, unless it dies at its start (then Laddnet stops with an error).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass, field

from laddnet.config import Settings
from laddnet.domain.errors import LaddnetError
from laddnet.runtime import Part, serve

log = logging.getLogger("laddnet.workers")

STOP_TIMEOUT = 15.0  # seconds a child has to close its stations after SIGTERM
EARLY_DEATH = 5.0  # a child that exits this soon after its start could not start at all
RESTART_DELAY = 1.0


class WorkersRefused(LaddnetError):
    """`--workers N` asked of an installation that cannot share stations between processes."""


def worker_node_id(node_id: str, n: int) -> str:
    return f"{node_id}-{n}"


def check_workers(settings: Settings, workers: int) -> None:
    if workers < 1:
        raise WorkersRefused("--workers must be at least 1")
    if workers == 1:
        return
    if settings.is_sqlite:
        raise WorkersRefused(
            "--workers needs PostgreSQL: on SQLite the processes' writers contend for its one"
            " write lock (see docs/operations/scale-out.md); set LADDNET_DATABASE_URL"
        )
    if settings.bus_url is None:
        raise WorkersRefused(
            "--workers needs the message bus for commands and one connection per station"
            " across processes: set LADDNET_BUS_URL=nats://host:4222"
        )


@dataclass
class Supervisor:
    settings: Settings
    workers: int
    failure: str | None = None
    _children: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)

    async def run(self) -> None:
        """Keep N children running until cancelled (Laddnet stops) or one cannot start."""
        try:
            async with asyncio.TaskGroup() as group:
                for n in range(1, self.workers + 1):
                    group.create_task(self._keep(n))
        except* WorkersRefused as failed:
            self.failure = str(failed.exceptions[0])
        finally:
            await self._stop_all()

    async def _keep(self, n: int) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "laddnet.cli",
                "serve",
                "--worker",
                str(n),
                stdin=asyncio.subprocess.DEVNULL,
            )
            self._children[n] = proc
            code = await proc.wait()
            node = worker_node_id(self.settings.node_id, n)
            if loop.time() - started < EARLY_DEATH:
                raise WorkersRefused(f"worker {node} could not start (exit status {code})")
            log.error("worker %s (pid %d) died with status %d; restarting", node, proc.pid, code)
            await asyncio.sleep(RESTART_DELAY)

    async def _stop_all(self) -> None:
        running = [p for p in self._children.values() if p.returncode is None]
        for proc in running:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        for proc in running:
            try:
                async with asyncio.timeout(STOP_TIMEOUT):
                    await proc.wait()
            except TimeoutError:
                log.error("worker pid %d still running after SIGTERM: killed", proc.pid)
                proc.kill()
                await proc.wait()


async def serve_workers(settings: Settings, workers: int) -> None:
    """The API here, N gateways in children; raises WorkersRefused with the reason to show."""
    check_workers(settings, workers)
    supervisor = Supervisor(settings, workers)
    await serve(settings, part=Part.API, background=supervisor.run)
    if supervisor.failure is not None:
        raise WorkersRefused(supervisor.failure)
