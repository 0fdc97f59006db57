"""A station that floods CALLs and drops the connection must leave nothing behind.

Black-box against a real `laddnet serve`: many rounds of "send more CALLs than the inbound
queue holds, never read an answer, close", then the station must be listed offline, the
server's memory must have stopped growing, and SIGTERM must still stop it promptly.
"""

from __future__ import annotations

import asyncio
import base64
import signal
from pathlib import Path

import orjson
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from tests.e2e.conftest import PASSWORD, STOP_TIMEOUT, Laddnet, Servers

FLOOD = 12  # CALLs per round: three times the inbound queue
WARM_UP_ROUNDS = 20
ROUNDS = 100
# Before the fix each round leaked its connection, tasks and frames (~0.5 MiB): 100 rounds
# grew RSS by ~50 MiB. Allocator noise after warm-up stays far below this bound.
MAX_GROWTH_KIB = 12 * 1024


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


async def _flood_and_drop(laddnet: Laddnet, station_id: str, abort: bool) -> None:
    token = base64.b64encode(f"{station_id}:{PASSWORD}".encode()).decode()
    ws = await connect(
        f"{laddnet.ocpp_url}/{station_id}",
        subprotocols=[Subprotocol("ocpp1.6")],
        additional_headers={"Authorization": f"Basic {token}"},
        compression=None,
    )
    boot = {"chargePointVendor": "Flood", "chargePointModel": "F-1"}
    for n in range(FLOOD):
        await ws.send(orjson.dumps([2, f"m{n}", "BootNotification", boot]).decode())
    if abort:
        ws.transport.abort()  # a cut cable: no close handshake
    else:
        await ws.close()


async def _listed_offline(laddnet: Laddnet, station_id: str) -> bool:
    listing = await laddnet.aok("station", "list")
    row = next(line.split() for line in listing.splitlines() if line.startswith(station_id))
    return row[1] == "no"


async def test_flooding_station_that_disconnects_leaks_nothing_and_serve_still_stops(
    laddnet: Laddnet, servers: Servers, tmp_path: Path
) -> None:
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(f"id,password\nCP-FLOOD,{PASSWORD}\n")
    await laddnet.aok("station", "import", str(csv_file))
    # The rounds reconnect far faster than a real station may: no connection-rate limit here.
    laddnet.extra_env["LADDNET_CONNECTION_RATE_LIMIT"] = "0"
    server = await servers.start(laddnet)
    assert server.proc is not None

    for n in range(WARM_UP_ROUNDS):
        await _flood_and_drop(laddnet, "CP-FLOOD", abort=n % 2 == 0)
    await asyncio.sleep(1)
    baseline = _rss_kib(server.proc.pid)
    for n in range(ROUNDS):
        await _flood_and_drop(laddnet, "CP-FLOOD", abort=n % 2 == 0)

    async with asyncio.timeout(STOP_TIMEOUT):
        while not await _listed_offline(laddnet, "CP-FLOOD"):
            await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    growth = _rss_kib(server.proc.pid) - baseline
    assert growth < MAX_GROWTH_KIB, f"RSS grew {growth} KiB over {ROUNDS} rounds"

    assert await server.stop(signal.SIGTERM) == 0
    assert "Traceback" not in server.output()
