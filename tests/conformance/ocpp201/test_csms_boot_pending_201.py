"""OCPP 2.0.1 Part 6 CSMS test case TC_B_31 (B02: Pending, then TriggerMessage);
docs/conformance.md lists it.

The case's prerequisite, "the CSMS is configured to first respond Pending", is met the way
Laddnet answers Pending: its boot admission is full (here: a limit of 1, taken by the test).
Once there is room, Laddnet calls the station back; the tool validations are checked on the
frames the real station (the simulator) received and on the CSMS's answers and command log.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.sim.station import SimStation
from tests.conformance.ocpp201.test_csms_cases_201 import _calls
from tests.integration.commands.conftest import PASSWORD, Live, live_gateway
from tests.integration.commands.helpers import eventually

V = "2.0.1"


@pytest.fixture
async def gated(database_url: str) -> AsyncIterator[Live]:
    """The real gateway and API, admitting one boot at a time."""
    container: Container = build(Settings(database_url=database_url, boot_admission_limit=1))
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(container.aclose)
        yield await stack.enter_async_context(live_gateway(container, configuration_read=True))


async def test_tc_b_31_csms_pending_then_trigger_message_boot_notification(gated: Live) -> None:
    ticket = gated.gateway.admission.try_enter()  # a boot in flight: admission is full
    assert ticket is not None
    station = SimStation(gated.ocpp_url, "CP-1", PASSWORD, V)
    await station.connect()
    try:
        # 1-2: BootNotification PowerUp, answered Pending
        assert station.boot_reason == "PowerUp"
        assert (await station.boot())["status"] == "Pending"
        gated.gateway.admission.leave(ticket)  # room again: the CSMS calls the station back

        async def accepted() -> bool:
            return station.heartbeat_interval is not None  # 6: an Accepted answer

        await eventually(accepted)
        # 3-4: TriggerMessage BootNotification, answered Accepted by the station
        assert _calls(station, "TriggerMessage") == [{"requestedMessage": "BootNotification"}]
        # 5: the station booted again with reason Triggered, and Laddnet accepted that boot

        async def answered() -> dict[str, Any] | None:
            items = (await gated.api.get("/api/v1/stations/CP-1/commands")).json()["items"]
            return items[0] if items and items[0]["status"] is not None else None

        log = await eventually(answered)  # what the operator sees
        assert (log["name"], log["outcome"], log["status"]) == (
            "trigger-message",
            "answered",
            "Accepted",
        )
        assert station.boot_reason == "Triggered"

        async def registered() -> bool:  # the triggered boot follows the trigger's answer
            view = (await gated.api.get("/api/v1/stations/CP-1")).json()
            return bool(view["registration_status"] == "Accepted")

        await eventually(registered)
        # 7-8: the connectors' state, answered
        await station.status(1, "Available")
        await station.station_status("Available")
    finally:
        await station.close()
