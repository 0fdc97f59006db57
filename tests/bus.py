"""The real NATS server of the messaging tests (127.0.0.1:4222, JetStream on). With CI=true a
missing server fails the test; locally it is skipped, as for PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.conftest import IN_CI

NATS_URL = os.environ.get("LADDNET_TEST_NATS", "nats://127.0.0.1:4222")


async def nats_url() -> str:
    """NATS_URL if its server answers, else fail (CI) or skip."""
    host_port = NATS_URL.split("://", 1)[1].split(",")[0]
    host, _, port = host_port.rpartition(":")
    try:
        async with asyncio.timeout(3):
            reader, writer = await asyncio.open_connection(host, int(port))
            info = await reader.readline()  # a NATS server greets with INFO {...}
            writer.close()
            await writer.wait_closed()
    except (OSError, TimeoutError) as exc:
        info, error = b"", str(exc)
    else:
        error = "not a NATS server"
    if info.startswith(b"INFO"):
        return NATS_URL
    if IN_CI:
        pytest.fail(f"NATS is required in CI and unreachable at {NATS_URL}: {error}")
    pytest.skip(f"NATS unreachable at {NATS_URL}")
