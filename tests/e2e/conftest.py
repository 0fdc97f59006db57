"""Drive the real `laddnet` command line as subprocesses, each test with its own database and ports.

`Laddnet` runs CLI commands (blocking or async) in a private environment; `Server` is one
`laddnet serve` process with bounded waits for readiness and exit. Every process a test starts
is killed in the fixture's teardown, whatever the test did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from laddnet.sim.station import SimStation
from tests.conftest import fresh_sqlite_url

PASSWORD = "e2e-station-password-01"
CLI_TIMEOUT = 30.0  # a hung command fails the test instead of hanging the run
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
# Where the processes a test starts cache their bytecode. With PYTHONDONTWRITEBYTECODE set (as
# in CI), each `laddnet` process compiled Laddnet's modules again: a fifth of its start-up.
# A cache outside the source tree, checked against the sources' times like any other.
PYCACHE = Path(tempfile.gettempdir()) / f"laddnet-test-pycache-{os.getuid()}"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it for a socket bound to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def laddnet_command() -> list[str]:
    """The installed `laddnet` entry point next to this interpreter, else `python -m`."""
    script = Path(sys.executable).with_name("laddnet")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "laddnet.cli"]


def finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait (bounded) for a spawned command; kill it if it hangs."""
    try:
        out, err = proc.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def one_line_error(stderr: str) -> str:
    """Assert that stderr is exactly one `laddnet: error: ...` line, no traceback; return it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    assert lines[0].startswith("laddnet: error: "), stderr
    return lines[0]


@dataclass
class Laddnet:
    """One installation: a database, two ports, a working directory and the CLI over them."""

    workdir: Path
    database_url: str
    ocpp_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)  # settings a test adds

    def __post_init__(self) -> None:
        while self.http_port == self.ocpp_port:  # two free ports, not the same one twice
            self.http_port = free_port()

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LADDNET_")}
        env.update(
            LADDNET_DATABASE_URL=self.database_url,
            LADDNET_HOST="127.0.0.1",
            LADDNET_OCPP_PORT=str(self.ocpp_port),
            LADDNET_HTTP_PORT=str(self.http_port),
            PYTHONUNBUFFERED="1",
            PYTHONPYCACHEPREFIX=str(PYCACHE),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(self.extra_env)
        return env

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.ocpp_port}/ocpp"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def spawn(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Start one CLI command; collect it with `finish`."""
        return subprocess.Popen(
            [*laddnet_command(), *args],
            env=self.env | (env or {}),
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run one CLI command to completion (for synchronous tests)."""
        return finish(self.spawn(*args, env=env))

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"laddnet {' '.join(args)}: {result.stderr}"
        return result.stdout

    async def arun(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one CLI command without blocking the event loop (for async tests)."""
        proc = await asyncio.create_subprocess_exec(
            *laddnet_command(),
            *args,
            env=self.env,
            cwd=self.workdir,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(CLI_TIMEOUT):
                out, err = await proc.communicate()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode is not None
        return subprocess.CompletedProcess(list(args), proc.returncode, out.decode(), err.decode())

    async def aok(self, *args: str) -> str:
        result = await self.arun(*args)
        assert result.returncode == 0, f"laddnet {' '.join(args)}: {result.stderr}"
        return result.stdout


class Server:
    """One `laddnet serve` process; its output goes to a log file read on failure."""

    def __init__(self, laddnet: Laddnet, log: Path) -> None:
        self.laddnet = laddnet
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                *laddnet_command(),
                "serve",
                env=self.laddnet.env,
                cwd=self.laddnet.workdir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        await self.wait_ready()

    async def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Poll until the OCPP port accepts and /healthz answers 200; fail if serve exits."""
        assert self.proc is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with httpx.AsyncClient(base_url=self.laddnet.api_url, timeout=2) as client:
            while True:
                if self.proc.returncode is not None:
                    pytest.fail(f"serve exited with {self.proc.returncode}:\n{self.output()}")
                if await _healthy(client) and await _accepts(self.laddnet.ocpp_port):
                    return
                if loop.time() > deadline:
                    pytest.fail(f"serve not ready within {timeout}s:\n{self.output()}")
                await asyncio.sleep(0.05)

    async def stop(
        self, sig: signal.Signals = signal.SIGTERM, timeout: float = STOP_TIMEOUT
    ) -> int:
        """Send `sig` and wait (bounded) for the exit status."""
        assert self.proc is not None and self.proc.returncode is None
        self.proc.send_signal(sig)
        try:
            async with asyncio.timeout(timeout):
                return await self.proc.wait()
        except TimeoutError:
            pytest.fail(f"serve still running {timeout}s after {sig.name}:\n{self.output()}")

    async def kill(self) -> None:
        """SIGKILL: a crash, with no chance to clean up."""
        await self.stop(signal.SIGKILL)


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def _healthy(client: httpx.AsyncClient) -> bool:
    try:
        response = await client.get("/healthz")
    except httpx.TransportError:
        return False
    return response.status_code == 200


@pytest.fixture
async def laddnet(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Laddnet:
    """A fresh SQLite installation with its own free ports, its database `x.db` migrated (a
    copy of one migrated once per worker: the first command need not migrate it). A test of
    migrating an empty database uses `blank_laddnet`."""
    return Laddnet(tmp_path, await fresh_sqlite_url(tmp_path, tmp_path_factory, "x.db"))


@pytest.fixture
def blank_laddnet(tmp_path: Path) -> Laddnet:
    """A fresh SQLite installation whose database does not exist yet."""
    return Laddnet(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")


@dataclass
class Servers:
    """Starts `laddnet serve` processes and kills whatever is still running at teardown."""

    tmp_path: Path
    started: list[Server] = field(default_factory=list)

    async def start(self, laddnet: Laddnet) -> Server:
        server = Server(laddnet, self.tmp_path / f"serve-{len(self.started)}.log")
        self.started.append(server)
        await server.start()
        return server

    async def close(self) -> None:
        for server in self.started:
            if server.proc is not None and server.proc.returncode is None:
                server.proc.kill()
                await server.proc.wait()


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[Servers]:
    started = Servers(tmp_path)
    try:
        yield started
    finally:
        await started.close()


@dataclass
class Stations:
    """Simulated stations of one test, closed at teardown."""

    laddnet: Laddnet
    made: list[SimStation] = field(default_factory=list)

    def __call__(self, station_id: str, version: str = "1.6", url: str | None = None) -> SimStation:
        """A station of `laddnet` (or connecting through `url`, e.g. a `LossyLink`)."""
        base_url = url or self.laddnet.ocpp_url
        station = SimStation(base_url, station_id, PASSWORD, version, call_timeout=5)
        self.made.append(station)
        return station


@pytest.fixture
async def stations(laddnet: Laddnet) -> AsyncIterator[Stations]:
    made = Stations(laddnet)
    try:
        yield made
    finally:
        for station in made.made:
            await station.close()


class LossyLink:
    """A TCP relay from stations to the gateway that can lose the gateway's answers.

    With `lose_answers` set, bytes from the gateway are dropped: a station's CALL arrives and is
    handled but its CALLRESULT never comes back, the case a lost network packet or a crash right
    after the commit creates. Every station connection gets a new upstream connection, so the
    link outlives a restart of the server behind it.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.lose_answers = False
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}/ocpp"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._relays):
            task.cancel()
        await asyncio.gather(*self._relays, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._relays.add(task)
        try:
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            except OSError:  # the server is down: the station sees its connection refused-ish
                return
            try:
                await asyncio.gather(
                    self._pump(reader, up_writer, lossy=False),
                    self._pump(up_reader, writer, lossy=True),
                )
            finally:
                await _close(up_writer)
        finally:
            await _close(writer)
            self._relays.discard(task)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, lossy: bool
    ) -> None:
        try:
            while data := await source.read(65536):
                if lossy and self.lose_answers:
                    continue
                sink.write(data)
                await sink.drain()
        except OSError:  # a reset on either side ends the relay like a close does
            pass
        finally:
            sink.close()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


@pytest.fixture
async def lossy_link(laddnet: Laddnet) -> AsyncIterator[LossyLink]:
    link = LossyLink(laddnet.ocpp_port)
    await link.start()
    try:
        yield link
    finally:
        await link.close()
