"""Service statuses and alerts from real OCPP stations of both versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.commands.helpers import eventually
from tests.integration.maintenance.conftest import Watched

VERSIONS = pytest.mark.parametrize("version", ["1.6", "2.0.1"])


@VERSIONS
async def test_a_faulted_connector_needs_maintenance_and_is_alerted_once(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-1", version)
    await station.status(1, "Available")
    await watched.becomes("CP-1", "available", evse=1)
    assert await watched.service_status("CP-1") == "available"

    await station.status(1, "Faulted")
    await watched.becomes("CP-1", "needs_maintenance", evse=1)

    async def announced() -> list[tuple[int, str, str | None]] | None:
        changes = await watched.events("service_status.changed", "CP-1")
        found = [(e.data["evse_id"], e.data["status"], e.data["previous"]) for e in changes]
        return found if (1, "needs_maintenance", "available") in found else None

    found = await eventually(announced)
    assert set(found[:2]) == {(0, "available", None), (1, "available", None)}
    assert (0, "needs_maintenance", "available") in found  # its only connector

    await watched.tick()  # not yet 5 minutes
    assert await watched.alerts(status="open", station_id="CP-1") == []
    watched.clock.shift += timedelta(minutes=6)
    await watched.tick()
    await watched.tick()  # a second round opens nothing new
    alerts = await watched.alerts(status="open", station_id="CP-1")
    assert [(a["kind"], a["evse_id"], a["severity"]) for a in alerts] == [
        ("connector_faulted", 1, "critical")
    ]
    assert alerts[0]["details"]["reason"].startswith("Faulted")

    await station.status(1, "Available")
    await watched.becomes("CP-1", "available", evse=1)
    await watched.tick()
    closed = await watched.alerts(status="closed", station_id="CP-1")
    assert [(a["kind"], a["close_reason"]) for a in closed] == [("connector_faulted", "cleared")]
    assert await watched.alerts(status="open") == []
    opened = await watched.events("alert.opened", "CP-1")
    assert [e.data["kind"] for e in opened] == ["connector_faulted"]
    await station.close()


@VERSIONS
async def test_an_offline_station_is_offline_and_alerted(watched: Watched, version: str) -> None:
    station = await watched.live.station("CP-2", version)
    await station.status(1, "Available")
    await watched.becomes("CP-2", "available")
    await station.close()
    await watched.becomes("CP-2", "offline")
    assert await watched.service_status("CP-2", evse=1) == "offline"

    watched.clock.shift += timedelta(minutes=11)
    await watched.tick()
    alerts = await watched.alerts(status="open", kind="station_offline")
    assert [(a["station_id"], a["evse_id"], a["connector_id"]) for a in alerts] == [("CP-2", 0, 0)]

    back = await watched.live.station("CP-2", version)
    await watched.becomes("CP-2", "available")
    await watched.tick()
    assert await watched.alerts(status="open") == []
    await back.close()


@VERSIONS
async def test_a_station_that_keeps_rebooting_is_a_boot_loop(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-3", version)
    await station.boot()
    await station.boot()  # three boots within 30 minutes

    async def alerted() -> bool:
        await watched.tick()
        return bool(await watched.alerts(status="open", kind="boot_loop"))

    await eventually(alerted)
    alert = (await watched.alerts(status="open", kind="boot_loop"))[0]
    assert (alert["station_id"], alert["details"]["boots"]) == ("CP-3", 3)
    watched.clock.shift += timedelta(minutes=31)
    await watched.tick()
    assert await watched.alerts(status="open", kind="boot_loop") == []
    await station.close()


@VERSIONS
async def test_a_failed_firmware_update_is_alerted_until_one_installs(
    watched: Watched, version: str
) -> None:
    station = await watched.live.station("CP-1", version)
    body: dict[str, object] = {"status": "InstallationFailed"}
    if version == "2.0.1":
        body["requestId"] = 7
    await station.call("FirmwareStatusNotification", body, 10)

    async def alerted() -> bool:
        return bool(await watched.alerts(status="open", kind="firmware_failed"))

    await eventually(alerted)
    await station.call("FirmwareStatusNotification", {**body, "status": "Installed"}, 10)

    async def cleared() -> bool:
        return not await watched.alerts(status="open", kind="firmware_failed")

    await eventually(cleared)
    closed = await watched.alerts(status="closed", kind="firmware_failed")
    assert closed[0]["close_reason"] == "firmware Installed"
    await station.close()


@VERSIONS
async def test_sessions_that_deliver_nothing_are_alerted_until_one_does(
    watched: Watched, version: str
) -> None:
    await watched.container.authorization.add_token("TAG-1")
    station = await watched.live.station("CP-2", version)
    t0 = station.now() - timedelta(hours=1)
    for n in range(3):
        start = t0 + timedelta(minutes=10 * n)
        await station.start_session(1, "TAG-1", meter_start_wh=5000, timestamp=start)
        await station.stop_session(1, 5000, timestamp=start + timedelta(minutes=2))
        if n < 2:
            await watched.tick()
            assert await watched.alerts(kind="failed_sessions") == []

    async def alerted() -> list[dict[str, object]] | None:
        return await watched.alerts(status="open", kind="failed_sessions") or None

    [alert] = await eventually(alerted)
    assert (alert["station_id"], alert["evse_id"], alert["connector_id"]) == ("CP-2", 1, 0)
    start = t0 + timedelta(minutes=40)
    await station.start_session(1, "TAG-1", meter_start_wh=5000, timestamp=start)
    await station.stop_session(1, 9000, timestamp=start + timedelta(minutes=20))

    async def cleared() -> list[dict[str, object]] | None:
        return await watched.alerts(status="closed", kind="failed_sessions") or None

    [closed] = await eventually(cleared)
    assert closed["close_reason"] == "a session delivered energy"
    await station.close()


@VERSIONS
async def test_a_session_with_flagged_meter_readings_is_alerted(
    watched: Watched, version: str
) -> None:
    await watched.container.authorization.add_token("TAG-1")
    station = await watched.live.station("CP-3", version)
    t0 = station.now() - timedelta(hours=1)
    await station.start_session(1, "TAG-1", meter_start_wh=5000, timestamp=t0)
    await station.meter(1, 6000, 11000, t0 + timedelta(minutes=5))
    await station.meter(1, 5500, 11000, t0 + timedelta(minutes=10))  # the register went back
    await station.stop_session(1, 7000, timestamp=t0 + timedelta(minutes=15))

    async def alerted() -> list[dict[str, Any]] | None:
        return await watched.alerts(status="open", kind="meter_anomaly") or None

    [alert] = await eventually(alerted)
    assert (alert["evse_id"], alert["details"]["anomalies"]) == (1, ["register_decreased"])
    start = t0 + timedelta(minutes=20)
    await station.start_session(1, "TAG-1", meter_start_wh=7000, timestamp=start)
    await station.stop_session(1, 9000, timestamp=start + timedelta(minutes=10))

    async def closed() -> list[dict[str, Any]] | None:
        return await watched.alerts(status="closed", kind="meter_anomaly") or None

    [done] = await eventually(closed)
    assert done["close_reason"] == "a session without anomalies"
    await station.close()
