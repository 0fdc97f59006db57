"""Malformed frames get the exact CALLERROR of each version; a bad station harms no other."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from laddnet.sim.frames import CallErrorReceived
from laddnet.sim.station import SimStation
from tests.integration.ocpp.conftest import Running

V16, V201 = "1.6", "2.0.1"


async def _raw_reply(running: Running, version: str, text: str) -> Any:
    station = running.station("CP-1", version)
    await station.connect()
    try:
        await station.boot()
        await station.send_raw(text)
        return await station.recv_raw(5)
    finally:
        await station.close()


@pytest.mark.parametrize(
    ("version", "code"), [(V16, "FormationViolation"), (V201, "RpcFrameworkError")]
)
async def test_invalid_json_gets_callerror_with_id_minus_one(
    running: Running, version: str, code: str
) -> None:
    reply = await _raw_reply(running, version, '[2, "abc", "Heartbeat", {')
    assert reply[:3] == [4, "-1", code]


async def test_unknown_message_type_is_not_supported_in_201(running: Running) -> None:
    reply = await _raw_reply(running, V201, '[7, "m-1", "Heartbeat", {}]')
    assert reply[:3] == [4, "m-1", "MessageTypeNotSupported"]


@pytest.mark.parametrize("version", [V16, V201])
async def test_call_without_payload_is_an_rpc_error(running: Running, version: str) -> None:
    reply = await _raw_reply(running, version, '[2, "m-2", "Heartbeat"]')
    assert reply[0] == 4 and reply[1] == "m-2"
    assert reply[2] == ("FormationViolation" if version == V16 else "RpcFrameworkError")


@pytest.mark.parametrize(
    ("version", "action", "payload", "code"),
    [
        (V16, "NoSuchAction", {}, "NotImplemented"),
        (V201, "NoSuchAction", {}, "NotImplemented"),
        (V16, "Reset", {"type": "Hard"}, "NotSupported"),
        (
            V201,
            "RequestStartTransaction",
            {"idToken": {"idToken": "A", "type": "Central"}, "remoteStartId": 1},
            "NotSupported",
        ),
        (
            V16,
            "StatusNotification",
            {"connectorId": 1, "errorCode": "NoError"},
            "OccurenceConstraintViolation",
        ),
        (V201, "Authorize", {}, "OccurrenceConstraintViolation"),
        (V16, "Authorize", {"idTag": 12}, "TypeConstraintViolation"),
        (V201, "Heartbeat", {"x": 1}, "FormatViolation"),
        (V16, "Authorize", {"idTag": "X" * 21}, "PropertyConstraintViolation"),
        (
            V201,
            "StatusNotification",
            {
                "timestamp": "2026-01-01T00:00:00Z",
                "connectorStatus": "Sleeping",
                "evseId": 1,
                "connectorId": 1,
            },
            "PropertyConstraintViolation",
        ),
    ],
)
async def test_payload_errors_get_the_versions_code(
    running: Running, version: str, action: str, payload: dict[str, Any], code: str
) -> None:
    station = running.station("CP-1", version)
    await station.connect()
    await station.boot()
    with pytest.raises(CallErrorReceived) as error:
        await station.call(action, payload)
    assert error.value.code == code
    await station.close()


@pytest.mark.parametrize("version", [V16, V201])
async def test_tc_b_30_messages_before_an_accepted_boot_get_security_error(
    running: Running, version: str
) -> None:
    station = running.station("CP-2", version)
    await station.connect()
    with pytest.raises(CallErrorReceived) as error:
        await station.heartbeat()
    assert error.value.code == "SecurityError"
    assert (await station.boot())["status"] == "Accepted"
    assert "currentTime" in await station.heartbeat()
    await station.close()


async def test_accepted_station_may_reconnect_without_booting_again(running: Running) -> None:
    station = running.station("CP-1", V16)
    await station.connect()
    await station.boot()
    await station.close()
    again = running.station("CP-1", V16)
    await again.connect()
    assert "currentTime" in await again.heartbeat()
    await again.close()


async def _heartbeat_until_closed(station: SimStation) -> None:
    for _ in range(20):
        await station.heartbeat()
        await asyncio.sleep(0.05)


async def test_oversized_frame_closes_only_that_connection(running: Running) -> None:
    limit = running.container.settings.max_frame_bytes
    bad = running.station("CP-1", V201)
    good = running.station("CP-2", V201)
    await bad.connect()
    await good.connect()
    await good.boot()
    big = orjson.dumps([2, "m-9", "DataTransfer", {"vendorId": "x", "data": "y" * limit}]).decode()
    await bad.send_raw(big)
    with pytest.raises((ConnectionClosed, ConnectionError, TimeoutError)):
        await _heartbeat_until_closed(bad)
    assert "currentTime" in await good.heartbeat()
    await good.close()
    await bad.close()


async def test_garbage_flood_does_not_disturb_another_station(running: Running) -> None:
    flooder = running.station("CP-1", V16)
    other = running.station("CP-2", V16)
    await flooder.connect()
    await other.connect()
    await other.boot()
    for n in range(200):
        await flooder.send_raw(f"not json {n}")
    assert "currentTime" in await other.heartbeat()
    replies = [await flooder.recv_raw(5) for _ in range(200)]
    assert all(r[0] == 4 and r[1] == "-1" for r in replies)
    await flooder.close()
    await other.close()


async def test_string_payload_is_a_format_violation(running: Running) -> None:
    reply = await _raw_reply(running, V201, '[2, "m-3", "Heartbeat", "hello"]')
    assert reply[:3] == [4, "m-3", "FormatViolation"]
