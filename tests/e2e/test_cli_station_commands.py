"""`laddnet station <command> ID` against a running `laddnet serve`: the CLI process sends the
command through the server's HTTP API to a real (simulated) station, prints its answer, and
fails with one line and status 1 when the server refuses or cannot be reached."""

from __future__ import annotations

import json

from tests.e2e.conftest import PASSWORD, Laddnet, Servers, Stations, free_port, one_line_error


async def _api_key(laddnet: Laddnet) -> str:
    out = await laddnet.aok("apikey", "create", "--role", "operator", "--label", "cli")
    return out.strip().splitlines()[-1]


async def test_commands_reach_the_station_and_are_logged(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    key = await _api_key(laddnet)
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    await servers.start(laddnet)
    sim = stations("CP-1", "2.0.1")
    await sim.connect()
    await sim.boot()

    out = await laddnet.aok("station", "reset", "CP-1", "--type", "hard", "--api-key", key)
    assert out.splitlines()[0] == "CP-1 reset: Accepted"
    assert ("Reset", {"type": "Immediate"}) in sim.received_calls

    raw = await laddnet.aok(
        "station",
        "data-transfer",
        "CP-1",
        "--vendor-id",
        "com.example",
        "--json",
        "--api-key",
        key,
    )
    answer = json.loads(raw)
    assert answer["status"] == "UnknownVendorId"
    assert answer["response"] == {"status": "UnknownVendorId"}

    config = await laddnet.aok(
        "station",
        "set-configuration",
        "CP-1",
        "--component",
        "OCPPCommCtrlr",
        "--variable",
        "HeartbeatInterval",
        "--value",
        "77",
        "--api-key",
        key,
    )
    assert config.splitlines()[0] == "CP-1 set-configuration: Accepted"
    assert sim.heartbeat_interval == 77

    log = await laddnet.aok("station", "commands", "CP-1", "--api-key", key)
    rows = log.strip().splitlines()
    assert rows[0].split()[:3] == ["ID", "REQUESTED", "COMMAND"]
    # Besides ours, the log holds the configuration read Laddnet itself sends after a first boot.
    ours = [r.split()[2] for r in rows[1:-1] if r.split()[2] != "get-configuration"]
    assert ours == ["set-configuration", "data-transfer", "reset"]
    assert rows[-1] == f"{len(rows) - 2} commands"


async def test_reservations_and_local_lists_from_the_command_line(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    key = await _api_key(laddnet)
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    await servers.start(laddnet)
    sim = stations("CP-1", "1.6")
    await sim.connect()
    await sim.boot()

    expires = "2099-01-01T00:00:00+00:00"
    reserve = ["station", "reserve-now", "CP-1", "--id-token", "TAG-1", "--evse", "1"]
    out = await laddnet.aok(*reserve, "--expires-at", expires, "--api-key", key)
    assert out.splitlines()[0] == "CP-1 reserve-now: Accepted"
    _, sent = next(c for c in sim.received_calls if c[0] == "ReserveNow")
    assert (sent["connectorId"], sent["idTag"]) == (1, "TAG-1")
    cancel = ["station", "cancel-reservation", "CP-1", "--reservation", str(sent["reservationId"])]
    out = await laddnet.aok(*cancel, "--api-key", key)
    assert out.splitlines()[0] == "CP-1 cancel-reservation: Accepted"

    local = ["station", "send-local-list", "CP-1", "--list-version", "3", "--update", "full"]
    await laddnet.aok(*local, "--token", "TAG-1", "--token", "TAG-2:Blocked", "--api-key", key)
    _, sent = next(c for c in sim.received_calls if c[0] == "SendLocalList")
    assert sent["listVersion"] == 3 and sent["updateType"] == "Full"
    statuses = {e["idTag"]: e["idTagInfo"]["status"] for e in sent["localAuthorizationList"]}
    assert statuses == {"TAG-1": "Accepted", "TAG-2": "Blocked"}


async def test_server_errors_and_an_unreachable_server_are_one_line(
    laddnet: Laddnet, servers: Servers
) -> None:
    key = await _api_key(laddnet)
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    await servers.start(laddnet)

    offline = await laddnet.arun("station", "clear-cache", "CP-1", "--api-key", key)
    assert offline.returncode == 1
    assert "not connected" in one_line_error(offline.stderr)
    assert "HTTP 409" in offline.stderr
    assert offline.stdout == ""

    unknown = await laddnet.arun("station", "commands", "NOPE", "--api-key", key)
    assert unknown.returncode == 1
    assert "NOPE" in one_line_error(unknown.stderr)

    wrong_key = await laddnet.arun("station", "commands", "CP-1", "--api-key", key + "x")
    assert wrong_key.returncode == 1
    assert "HTTP 401" in one_line_error(wrong_key.stderr)

    url = f"http://127.0.0.1:{free_port()}"
    away = await laddnet.arun("station", "commands", "CP-1", "--api-key", key, "--api-url", url)
    assert away.returncode == 1
    assert f"cannot reach the Laddnet server at {url}" in one_line_error(away.stderr)


def test_the_key_comes_from_laddnet_api_key_or_is_asked_for(laddnet: Laddnet) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    missing = laddnet.run("station", "commands", "CP-1", "--api-url", url)
    assert missing.returncode == 1
    assert "LADDNET_API_KEY" in one_line_error(missing.stderr)
    from_env = laddnet.run(
        "station", "commands", "CP-1", "--api-url", url, env={"LADDNET_API_KEY": "ldn_x"}
    )
    assert from_env.returncode == 1  # the key was taken; now the server is missing
    assert "cannot reach" in one_line_error(from_env.stderr)


def test_set_configuration_needs_a_key_or_component_and_variable(laddnet: Laddnet) -> None:
    result = laddnet.run(
        "station",
        "set-configuration",
        "CP-1",
        "--component",
        "C",
        "--value",
        "1",
        "--api-key",
        "k",
    )
    assert result.returncode == 1
    assert "--variable" in one_line_error(result.stderr)


def test_set_configuration_set_is_component_variable_value(laddnet: Laddnet) -> None:
    result = laddnet.run(
        "station", "set-configuration", "CP-1", "--set", "HeartbeatInterval", "--api-key", "k"
    )
    assert result.returncode == 1
    assert "Component.Variable=VALUE" in one_line_error(result.stderr)
