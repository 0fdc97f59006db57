"""Commands whose answer is the point, for 1.6J and 2.0.1 stations through the HTTP API: the
wire payload, the station's answer and the recorded command; a station that refuses; bodies of
the wrong shape for the station's version."""

from __future__ import annotations

import pytest

from tests.integration.commands.conftest import Live
from tests.integration.commands.helpers import send

VERSIONS = ["1.6", "2.0.1"]


@pytest.mark.parametrize("version", VERSIONS)
async def test_clear_cache(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    result = await send(live, "CP-1", "clear-cache", {})
    assert result == {
        "command_id": result["command_id"],
        "status": "Accepted",
        "response": {"status": "Accepted"},
    }
    assert sim.received_calls == [("ClearCache", {})]
    await sim.close()


@pytest.mark.parametrize(
    ("version", "key", "action", "wire"),
    [
        ("1.6", "HeartbeatInterval", "GetConfiguration", {"key": ["HeartbeatInterval"]}),
        (
            "2.0.1",
            "OCPPCommCtrlr.HeartbeatInterval",
            "GetVariables",
            {
                "getVariableData": [
                    {
                        "component": {"name": "OCPPCommCtrlr"},
                        "variable": {"name": "HeartbeatInterval"},
                    }
                ]
            },
        ),
    ],
)
async def test_get_and_set_configuration(
    live: Live, version: str, key: str, action: str, wire: dict[str, object]
) -> None:
    sim = await live.station("CP-1", version)
    component, _, variable = key.partition(".")
    body = {"key": key} if version == "1.6" else {"component": component, "variable": variable}
    result = await send(live, "CP-1", "set-configuration", {**body, "value": "120"})
    assert result["status"] == "Accepted"
    got = await send(live, "CP-1", "get-configuration", {"keys": [key]})
    assert sim.received_calls[-1] == (action, wire)
    if version == "1.6":
        assert sim.received_calls[-2] == ("ChangeConfiguration", {"key": key, "value": "120"})
        entry = got["response"]["configurationKey"][0]
        assert (entry["key"], entry["value"], entry["readonly"]) == (key, "120", False)
    else:
        assert sim.received_calls[-2][0] == "SetVariables"
        assert got["response"]["getVariableResult"][0]["attributeValue"] == "120"
    assert got["status"] == "Accepted"
    assert sim.heartbeat_interval == 120
    await sim.close()


@pytest.mark.parametrize(
    ("version", "body", "named"),
    [
        ("1.6", {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}, "key"),
        ("2.0.1", {"key": "HeartbeatInterval"}, "component, variable"),
    ],
)
async def test_set_configuration_of_the_wrong_shape_is_422(
    live: Live, version: str, body: dict[str, str], named: str
) -> None:
    sim = await live.station("CP-1", version)
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/set-configuration", json={**body, "value": "1"}
    )
    assert answer.status_code == 422, answer.text
    assert named in answer.json()["error"]["message"]
    assert version in answer.json()["error"]["message"]
    assert sim.received_calls == []
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_unknown_configuration_is_the_stations_word(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    body = {"key": "NoSuchKey"} if version == "1.6" else {"component": "No", "variable": "Such"}
    result = await send(live, "CP-1", "set-configuration", {**body, "value": "1"})
    assert result["status"] == ("NotSupported" if version == "1.6" else "UnknownComponent")
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_data_transfer_known_and_unknown_vendor(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version)
    ours = await send(
        live, "CP-1", "data-transfer", {"vendor_id": "Laddnet", "message_id": "ping", "data": "x"}
    )
    assert ours["status"] == "Accepted"
    wire = {"vendorId": "Laddnet", "messageId": "ping", "data": "x"}
    assert sim.received_calls[-1] == ("DataTransfer", wire)
    theirs = await send(live, "CP-1", "data-transfer", {"vendor_id": "com.example"})
    assert theirs["status"] == "UnknownVendorId"
    assert sim.received_calls[-1] == ("DataTransfer", {"vendorId": "com.example"})
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_station_that_rejects_is_a_200_with_its_status(live: Live, version: str) -> None:
    sim = await live.station("CP-1", version, evse_count=1)
    first = await send(live, "CP-1", "remote-start", {"id_token": "TAG-1"})
    assert first["status"] == "Accepted"
    busy = await send(live, "CP-1", "remote-start", {"id_token": "TAG-2"})
    assert busy == {
        "command_id": busy["command_id"],
        "status": "Rejected",
        "response": {"status": "Rejected"},
    }
    log = (await live.api.get("/api/v1/stations/CP-1/commands?name=remote-start")).json()
    assert [r["status"] for r in log["items"]] == ["Rejected", "Accepted"]
    await sim.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_station_that_does_not_answer_remote_start_is_a_504(
    live: Live, version: str
) -> None:
    live.container.commands._call_timeout = 0.5
    sim = await live.station("CP-1", version, auto_answer=False)
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/remote-start", json={"id_token": "TAG-1"}
    )
    assert answer.status_code == 504, answer.text
    record = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert (record["name"], record["outcome"], record["status"]) == (
        "remote-start",
        "timeout",
        None,
    )
    await sim.close()


async def test_get_local_list_version_v201_follows_the_list_sent(live: Live) -> None:
    sim = await live.station("CP-1", "2.0.1")
    body = {"version": 7, "update": "full", "tokens": [{"id_token": "T-1", "status": "Accepted"}]}
    await send(live, "CP-1", "send-local-list", body)
    result = await send(live, "CP-1", "get-local-list-version", {})
    assert result["response"] == {"versionNumber": 7}
    assert sim.received_calls[-1] == ("GetLocalListVersion", {})
    await sim.close()


async def test_get_transaction_status_is_2_0_1_only_and_checks_its_session(live: Live) -> None:
    sim16 = await live.station("CP-1", "1.6")
    on_16 = await live.api.post("/api/v1/stations/CP-1/commands/get-transaction-status", json={})
    assert on_16.status_code == 422, on_16.text
    assert "1.6" in on_16.json()["error"]["message"]
    assert sim16.received_calls == []
    await sim16.close()
    sim = await live.station("CP-2", "2.0.1")
    path = "/api/v1/stations/CP-2/commands/get-transaction-status"
    unknown = await live.api.post(path, json={"session_id": 999_999})
    assert unknown.status_code == 404, unknown.text
    both = await live.api.post(path, json={"session_id": 1, "transaction_id": "TX-1"})
    assert both.status_code == 422, both.text
    assert sim.received_calls == []
    await sim.close()
