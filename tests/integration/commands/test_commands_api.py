"""Commands through the HTTP API to real OCPP 1.6J and 2.0.1 stations: answered, refused with a
CALLERROR, unanswered, offline, and invalid; each recorded in the command log."""

from __future__ import annotations

from typing import Any

import pytest

from laddnet.sim.responder import ActionNotImplementedError, Answer, Responder
from tests.integration.commands.conftest import Live

VERSIONS = ["1.6", "2.0.1"]


@pytest.mark.parametrize(
    ("version", "kind", "wire"),
    [
        ("1.6", "soft", {"type": "Soft"}),
        ("1.6", "hard", {"type": "Hard"}),
        ("2.0.1", "soft", {"type": "OnIdle"}),
        ("2.0.1", "hard", {"type": "Immediate"}),
    ],
)
async def test_reset_reaches_the_station_and_returns_its_answer(
    live: Live, version: str, kind: str, wire: dict[str, Any]
) -> None:
    station = await live.station("CP-1", version)
    answer = await live.api.post("/api/v1/stations/CP-1/commands/reset", json={"type": kind})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "Accepted"
    assert body["response"] == {"status": "Accepted"}
    assert station.received_calls[-1] == ("Reset", wire)

    log = (await live.api.get("/api/v1/stations/CP-1/commands")).json()
    assert log["total"] == 1
    record = log["items"][0]
    assert record["id"] == body["command_id"]
    assert record["name"] == "reset"
    assert record["body"] == {"type": kind}
    assert record["outcome"] == "answered"
    assert record["status"] == "Accepted"
    assert record["ocpp_action"] == "Reset"
    assert record["request"] == wire
    assert record["sent_by"].startswith("apikey:")
    assert record["answered_at"] is not None
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_callerror_from_the_station_is_a_502_and_recorded(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)

    def refuse(_r: Responder, _p: dict[str, Any]) -> Answer:
        raise ActionNotImplementedError("Reset")

    station.responder.table = {**station.responder.table, "Reset": refuse}
    answer = await live.api.post("/api/v1/stations/CP-1/commands/reset", json={"type": "soft"})
    assert answer.status_code == 502, answer.text
    assert answer.json()["error"]["code"] == "station_error"
    assert "NotImplemented" in answer.json()["error"]["message"]
    record = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert record["outcome"] == "rejected"
    assert "NotImplemented" in record["error"]
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_station_that_does_not_answer_is_a_504(live: Live, version: str) -> None:
    live.container.commands._call_timeout = 0.5
    station = await live.station("CP-1", version, auto_answer=False)
    answer = await live.api.post("/api/v1/stations/CP-1/commands/reset", json={"type": "hard"})
    assert answer.status_code == 504, answer.text
    assert answer.json()["error"]["code"] == "station_timeout"
    record = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert record["outcome"] == "timeout"
    await station.close()


async def test_offline_and_unknown_stations(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    await station.close()
    answer = await live.api.post("/api/v1/stations/CP-1/commands/reset", json={"type": "soft"})
    assert answer.status_code == 409, answer.text
    assert "not connected" in answer.json()["error"]["message"]
    record = (await live.api.get("/api/v1/stations/CP-1/commands")).json()["items"][0]
    assert record["outcome"] == "offline"

    never_booted = await live.api.post("/api/v1/stations/CP-2/commands/clear-cache")
    assert never_booted.status_code == 409
    unknown = await live.api.post("/api/v1/stations/NOPE/commands/reset", json={"type": "soft"})
    assert unknown.status_code == 404
    assert (await live.api.get("/api/v1/stations/NOPE/commands")).status_code == 404


async def test_invalid_bodies_and_names_are_refused_before_anything_is_sent(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    cases = [
        ({"type": "sideways"}, "type"),
        ({"type": "soft", "force": True}, "force"),
        ({}, "type"),
    ]
    for body, field in cases:
        answer = await live.api.post("/api/v1/stations/CP-1/commands/reset", json=body)
        assert answer.status_code == 422, body
        assert field in answer.json()["error"]["message"]
    unknown = await live.api.post("/api/v1/stations/CP-1/commands/explode", json={})
    assert unknown.status_code == 404
    assert "reset" in unknown.json()["error"]["message"]
    # 1.6 has one connector per EVSE: a second connector is a request that cannot be sent.
    two = await live.api.post(
        "/api/v1/stations/CP-1/commands/unlock-connector", json={"evse_id": 1, "connector_id": 2}
    )
    assert two.status_code == 422
    assert "connector_id" in two.json()["error"]["message"]
    assert station.received_calls == []
    assert (await live.api.get("/api/v1/stations/CP-1/commands")).json()["total"] == 0
    await station.close()


async def test_a_viewer_key_may_read_the_log_but_not_send(live: Live) -> None:
    station = await live.station("CP-1", "2.0.1")
    answer = await live.viewer.post("/api/v1/stations/CP-1/commands/reset", json={"type": "soft"})
    assert answer.status_code == 403
    assert "viewer" in answer.json()["error"]["message"]
    bulk = await live.viewer.post(
        "/api/v1/commands", json={"station_ids": ["CP-1"], "command": "clear-cache"}
    )
    assert bulk.status_code == 403
    assert (await live.viewer.get("/api/v1/stations/CP-1/commands")).status_code == 200
    assert station.received_calls == []
    await station.close()


async def test_one_command_to_many_stations_answers_per_station(live: Live) -> None:
    live.container.commands._call_timeout = 1.0
    fast = await live.station("CP-1", "1.6")
    silent = await live.station("CP-2", "2.0.1", auto_answer=False)
    answer = await live.api.post(
        "/api/v1/commands",
        json={"station_ids": ["CP-1", "CP-2", "CP-3", "NOPE"], "command": "clear-cache"},
    )
    assert answer.status_code == 200, answer.text
    items = {i["station_id"]: i for i in answer.json()["items"]}
    assert items["CP-1"]["http_status"] == 200
    assert items["CP-1"]["status"] == "Accepted"
    assert items["CP-2"]["http_status"] == 504
    assert items["CP-3"]["http_status"] == 409
    assert items["NOPE"]["http_status"] == 404
    assert items["NOPE"]["error"]["code"] == "not_found"

    bad = await live.api.post(
        "/api/v1/commands",
        json={"station_ids": ["CP-1"], "command": "reset", "body": {"type": "x"}},
    )
    assert bad.status_code == 422
    assert "body.type" in bad.json()["error"]["message"]
    await fast.close()
    await silent.close()
