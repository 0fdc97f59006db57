"""`laddnet station rotate-password`, `station rotations` and `station upgrade-profile` against a
running `laddnet serve` and real (simulated) stations: the CLI goes through the HTTP API, the
server's log never holds the generated password."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import PASSWORD, Laddnet, Servers, Stations


async def test_rotate_passwords_and_upgrade_a_profile_from_the_cli(
    laddnet: Laddnet, servers: Servers, stations: Stations
) -> None:
    out = await laddnet.aok("apikey", "create", "--role", "operator", "--label", "cli")
    key = out.strip().splitlines()[-1]
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    await laddnet.aok("station", "add", "CP-2", "--password", PASSWORD)
    server = await servers.start(laddnet)
    one = stations("CP-1", "1.6")
    await one.connect()
    await one.boot()
    two = stations("CP-2", "2.0.1")
    await two.connect()
    await two.boot()

    shown = await laddnet.aok("station", "rotate-password", "CP-1", "--api-key", key)
    assert "CP-1" in shown and "password: confirmed" in shown, shown
    first = one.password
    assert first is not None and first != PASSWORD
    await one.reconnect()  # with the new password: the rotation completes

    bulk = await laddnet.aok("station", "rotate-password", "--all", "--api-key", key)
    batch = bulk.splitlines()[0].split()[1].rstrip(":")
    assert bulk.splitlines()[1] == f"follow it with: laddnet station rotations --batch {batch}"
    async with asyncio.timeout(20):
        while True:
            listed = await laddnet.aok("station", "rotations", "--batch", batch, "--api-key", key)
            if f"batch {batch}: 2 confirmed" in listed:
                break
            await asyncio.sleep(0.2)
    history = await laddnet.aok("station", "rotations", "--station", "CP-1", "--api-key", key)
    assert "password: completed" in history and "password: confirmed" in history, history

    upgrade = await laddnet.aok(
        "station", "upgrade-profile", "CP-1", "--profile", "2", "--api-key", key
    )
    assert "security_profile -> profile 2: confirmed" in upgrade, upgrade
    refused = await laddnet.arun(
        "station", "upgrade-profile", "CP-2", "--profile", "2", "--api-key", key
    )
    assert refused.returncode == 1 and "csms_url" in refused.stderr

    log = server.output()
    for password in (first, one.password, two.password):
        assert password is not None
        assert password not in log and password.encode().hex() not in log
