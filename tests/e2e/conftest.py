"""Drive the real `laddnet` command line as subprocesses, each test with its own database and ports.

`Laddnet` runs CLI commands (blocking or async) in a private environment; `Server` is one
`laddnet serve` process with bounded waits for readiness and exit. Every process a test starts
is killed in the fixture's teardown, whatever the test did.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from laddnet.sim.station import SimStation

PASSWORD = "e2e-station-password-01"
CLI_TIMEOUT = 30.0  # a hung command fails the test instead of hanging the run
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


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
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LADDNET_")}
        env.update(
            LADDNET_DATABASE_URL=self.database_url,
            LADDNET_HOST="127.0.0.1",
            LADDNET_OCPP_PORT=str(self.ocpp_port),
            LADDNET_HTTP_PORT=str(self.http_port),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.ocpp_port}/ocpp"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def station(self, station_id: str, version: str = "1.6", **kw: float) -> SimStation:
        return SimStation(self.ocpp_url, station_id, PASSWORD, version, call_timeout=5, **kw)

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run one CLI command to completion (for synchronous tests)."""
        return subprocess.run(
            [*laddnet_command(), *args],
            env=self.env | (env or {}),
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )

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
        return subprocess.CompletedProcess(
            list(args), proc.returncode, out.decode(), err.decode()
        )

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

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

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
                if await _accepts(self.laddnet.ocpp_port) and await _healthy(client):
                    return
                if loop.time() > deadline:
                    pytest.fail(f"serve not ready within {timeout}s:\n{self.output()}")
                await asyncio.sleep(0.05)

    async def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
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
def laddnet(tmp_path: Path) -> Laddnet:
    """A fresh SQLite installation with its own free ports."""
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

    def __call__(self, station_id: str, version: str = "1.6") -> SimStation:
        station = self.laddnet.station(station_id, version)
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
