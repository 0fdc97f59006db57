"""SimStation and simulate() against the benchmark's reference responder, over real sockets."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import ocpp
import orjson
import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import InvalidStatus
from websockets.http11 import Request, Response

from laddnet.sim.runner import simulate
from laddnet.sim.station import SimStation

BENCH = Path(__file__).resolve().parents[3] / "bench"
SCHEMAS = Path(ocpp.__file__).parent
VERSIONS = ("1.6", "2.0.1")


def _serve_reference() -> Callable[..., Awaitable[Server]]:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    serve_reference: Callable[..., Awaitable[Server]]
    serve_reference = importlib.import_module("reference_server").serve_reference
    return serve_reference


@cache
def _validator(version: str, action: str, response: bool) -> Any:
    if version == "1.6":
        path = SCHEMAS / "v16" / "schemas" / f"{action}{'Response' if response else ''}.json"
    else:
        suffix = "Response" if response else "Request"
        path = SCHEMAS / "v201" / "schemas" / f"{action}{suffix}.json"
    schema = json.loads(path.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def assert_valid(
    version: str, action: str, payload: dict[str, Any], response: bool = False
) -> None:
    _validator(version, action, response).validate(payload)


@dataclass
class Reference:
    url: str
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    silent: set[str] = field(default_factory=set)

    def actions(self) -> list[str]:
        return [action for _, action, _ in self.calls]

    def payloads(self, action: str) -> list[dict[str, Any]]:
        return [p for _, a, p in self.calls if a == action]


@pytest.fixture
async def reference() -> AsyncIterator[Reference]:
    ref = Reference(url="")

    def on_call(station_id: str, action: str, payload: dict[str, Any]) -> bool:
        ref.calls.append((station_id, action, payload))
        return action not in ref.silent

    server = await _serve_reference()("127.0.0.1", 0, on_call=on_call)
    ref.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ocpp"
    yield ref
    server.close()
    await server.wait_closed()


async def test_v16_station_boots_charges_and_stops(reference: Reference) -> None:
    station = SimStation(reference.url, "CP-16", "secret-password-16", "1.6")
    await station.connect()
    try:
        assert (await station.boot())["status"] == "Accepted"
        assert station.heartbeat_interval == 300
        await station.status(1, "Available")
        assert (await station.authorize("TAG-1"))["idTagInfo"]["status"] == "Accepted"
        tx = await station.start_session(1, "TAG-1", meter_start_wh=1000)
        await station.meter(1, 1500, 11_000)
        await station.meter(1, 2100, 11_000)
        await station.stop_session(1, 2500)
    finally:
        await station.close()

    assert tx.isdigit()
    assert reference.actions() == [
        "BootNotification",
        "StatusNotification",
        "Authorize",
        "StartTransaction",
        "MeterValues",
        "MeterValues",
        "StopTransaction",
    ]
    for _, action, payload in reference.calls:
        assert_valid("1.6", action, payload)
    meter_values = reference.payloads("MeterValues")
    assert {p["transactionId"] for p in meter_values} == {int(tx)}
    sampled = meter_values[1]["meterValue"][0]["sampledValue"]
    assert len(sampled) == 10
    register = [v for v in sampled if v["measurand"] == "Energy.Active.Import.Register"]
    assert register == [{**register[0], "value": "2100", "unit": "Wh"}]
    stop = reference.payloads("StopTransaction")[0]
    assert (stop["transactionId"], stop["meterStop"], stop["reason"]) == (int(tx), 2500, "Local")
    assert station.pending_transaction_messages == 0


async def test_v201_station_sends_a_whole_transaction_event_sequence(
    reference: Reference,
) -> None:
    station = SimStation(reference.url, "CS-201", "secret-password-201", "2.0.1")
    await station.connect()
    try:
        assert (await station.boot())["status"] == "Accepted"
        await station.status(2, "Preparing")
        tx = await station.start_session(2, "TAG-2", meter_start_wh=0)
        await station.meter(2, 700, 7_000)
        await station.stop_session(2, 900, reason="EVDisconnected")
    finally:
        await station.close()

    for _, action, payload in reference.calls:
        assert_valid("2.0.1", action, payload)
    assert reference.payloads("StatusNotification")[0]["connectorStatus"] == "Occupied"
    events = reference.payloads("TransactionEvent")
    assert [e["eventType"] for e in events] == ["Started", "Updated", "Ended"]
    assert [e["seqNo"] for e in events] == [0, 1, 2]
    assert {e["transactionInfo"]["transactionId"] for e in events} == {tx}
    assert events[0]["triggerReason"] == "Authorized"
    assert events[0]["idToken"] == {"idToken": "TAG-2", "type": "ISO14443"}
    assert events[1]["triggerReason"] == "MeterValuePeriodic"
    assert events[2]["transactionInfo"]["stoppedReason"] == "EVDisconnected"


@pytest.mark.parametrize("version", VERSIONS)
async def test_offline_queue_is_delivered_in_order_after_reconnect(
    reference: Reference, version: str
) -> None:
    station = SimStation(reference.url, f"Q-{version}", "pw", version, call_timeout=1)
    await station.connect()
    try:
        tx = await station.start_session(1, "TAG", 0)
        await station.drop()
        assert await station.meter(1, 100, 7_000) is None
        assert await station.stop_session(1, 200) is None
        assert station.pending_transaction_messages == 2
        sent_before = len(reference.calls)

        await station.reconnect()
    finally:
        await station.close()

    assert station.pending_transaction_messages == 0
    resent = reference.calls[sent_before:]
    if version == "1.6":
        assert [(a, p["transactionId"]) for _, a, p in resent] == [
            ("MeterValues", int(tx)),
            ("StopTransaction", int(tx)),
        ]
    else:
        assert [(p["eventType"], p["seqNo"]) for _, _, p in resent] == [
            ("Updated", 1),
            ("Ended", 2),
        ]


async def test_unanswered_message_stays_queued_and_is_resent(reference: Reference) -> None:
    station = SimStation(reference.url, "SLOW", "pw", "1.6", call_timeout=0.3)
    await station.connect()
    try:
        await station.start_session(1, "TAG", 0)
        reference.silent.add("MeterValues")
        assert await station.meter(1, 50, 7_000) is None
        assert station.pending_transaction_messages == 1
        reference.silent.clear()
        await station.reconnect()
        assert station.pending_transaction_messages == 0
    finally:
        await station.close()
    assert reference.actions().count("MeterValues") == 2


async def test_v16_start_without_answer_is_stopped_with_transaction_minus_one(
    reference: Reference,
) -> None:
    reference.silent.add("StartTransaction")
    station = SimStation(reference.url, "LOST", "pw", "1.6", call_timeout=0.3)
    await station.connect()
    try:
        assert await station.start_session(1, "TAG", 0) == ""
        assert station.pending_transaction_messages == 1
        await station.stop_session(1, 10, transaction_id_override=-1)
        assert station.pending_transaction_messages == 0
    finally:
        await station.close()
    assert reference.payloads("StopTransaction")[0]["transactionId"] == -1


async def test_auto_reconnect_delivers_the_queue(reference: Reference) -> None:
    station = SimStation(reference.url, "AUTO", "pw", "2.0.1", auto_reconnect=True)
    await station.connect()
    try:
        await station.start_session(1, "TAG", 0)
        await station.drop()
        await station.meter(1, 10, 7_000)
        async with asyncio.timeout(5):
            while station.pending_transaction_messages:
                await asyncio.sleep(0.05)
        assert station.connected
    finally:
        await station.close()
    assert [p["eventType"] for p in reference.payloads("TransactionEvent")] == [
        "Started",
        "Updated",
    ]


@pytest.mark.parametrize("version", VERSIONS)
async def test_simulate_runs_sessions_and_stops_them_at_the_end(
    reference: Reference, version: str
) -> None:
    report = await simulate(
        reference.url, ["SIM-1", "SIM-2"], "pw", version, duration=1.0, meter_interval=0.05
    )
    assert (report.connected, report.boots_accepted, report.errors) == (2, 2, 0)
    assert report.sessions_started >= 2
    assert report.sessions_stopped == report.sessions_started
    assert report.messages_sent == len(reference.calls)
    for _, action, payload in reference.calls:
        assert_valid(version, action, payload)
    # After its boot each station reports itself as a whole, then each connector.
    whole = "StatusNotification" if version == "1.6" else "NotifyEvent"
    for station_id in ("SIM-1", "SIM-2"):
        sent = [(action, payload) for sid, action, payload in reference.calls if sid == station_id]
        assert [action for action, _ in sent[:2]] == ["BootNotification", whole]
        if version == "1.6":
            assert sent[1][1]["connectorId"] == 0
        else:
            assert sent[1][1]["eventData"][0]["component"] == {"name": "ChargingStation"}


# -- a CSMS that talks first ---------------------------------------------------------------


async def _csms(calls: list[list[Any]], answers: list[Any], done: asyncio.Event) -> Server:
    async def handler(ws: ServerConnection) -> None:
        for frame in calls:
            await ws.send(orjson.dumps(frame).decode())
        async for text in ws:
            answers.append(orjson.loads(text))
            if len(answers) == len(calls) + 1:  # + the Heartbeat that TriggerMessage asked for
                done.set()

    return await serve(handler, "127.0.0.1", 0, subprotocols=["ocpp1.6", "ocpp2.0.1"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("version", "query", "expected"),
    [
        ("1.6", ["GetConfiguration", {"key": ["HeartbeatInterval"]}], "configurationKey"),
        (
            "2.0.1",
            [
                "GetVariables",
                {
                    "getVariableData": [
                        {
                            "component": {"name": "OCPPCommCtrlr"},
                            "variable": {"name": "HeartbeatInterval"},
                        }
                    ]
                },
            ],
            "getVariableResult",
        ),
    ],
)
async def test_station_answers_the_csms(version: str, query: list[Any], expected: str) -> None:
    calls = [
        [2, "q", *query],
        [2, "t", "TriggerMessage", {"requestedMessage": "Heartbeat"}],
        [2, "x", "NoSuchAction", {}],
    ]
    answers: list[Any] = []
    done = asyncio.Event()
    server = await _csms(calls, answers, done)
    port = server.sockets[0].getsockname()[1]
    station = SimStation(f"ws://127.0.0.1:{port}/ocpp", "ASKED", "pw", version)
    await station.connect()
    try:
        async with asyncio.timeout(5):
            await done.wait()
    finally:
        await station.close()
        server.close()
        await server.wait_closed()

    by_id = {frame[1]: frame for frame in answers}
    assert_valid(version, query[0], by_id["q"][2], response=True)
    assert "300" in json.dumps(by_id["q"][2][expected])
    assert by_id["t"][2] == {"status": "Accepted"}
    assert by_id["x"][:3] == [4, "x", "NotImplemented"]
    assert [f[2] for f in answers if f[0] == 2] == ["Heartbeat"]
    assert [a for a, _ in station.received_calls] == [query[0], "TriggerMessage", "NoSuchAction"]


async def test_refused_handshake_raises_invalid_status() -> None:
    def refuse(connection: ServerConnection, _: Request) -> Response:
        return connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")

    server = await serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=refuse)
    port = server.sockets[0].getsockname()[1]
    station = SimStation(f"ws://127.0.0.1:{port}/ocpp", "NOPE", "wrong")
    try:
        with pytest.raises(InvalidStatus) as refused:
            await station.connect()
    finally:
        server.close()
        await server.wait_closed()
    assert refused.value.response.status_code == 401
