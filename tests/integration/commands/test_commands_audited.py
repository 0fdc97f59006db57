"""Every remote command leaves an audit entry naming who sent which command, never its body."""

from __future__ import annotations

from tests.integration.commands.conftest import Live


async def test_a_sent_command_is_audited_without_its_body(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    body = {"key": "AuthorizationKey", "value": "0123456789abcdef0123"}
    answer = await live.api.post("/api/v1/stations/CP-1/commands/set-configuration", json=body)
    assert answer.status_code == 200, answer.text
    rows, total = await live.container.audit.search(action="command.sent")
    assert total == 1
    [entry] = rows
    assert entry["actor"].startswith("apikey:")
    assert (entry["target_type"], entry["target_id"]) == ("station", "CP-1")
    assert entry["detail"] == {
        "command": "set-configuration",
        "command_id": answer.json()["command_id"],
    }
    assert "0123456789abcdef0123" not in str(rows)
    await station.close()
