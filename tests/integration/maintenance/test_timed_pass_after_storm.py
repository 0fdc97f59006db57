"""The timed pass looks for boot loops only among stations that booted since its last pass:
after a boot storm, every station has booted within the boot-loop window, and reading all of
them at every pass for half an hour held the stations' answers up (docs/performance.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import RegistrationStatus, StationInfo
from laddnet.ports import UnitOfWork

INFO = StationInfo("Vendor", "Model")


def _boot_two(uow: UnitOfWork, now: datetime) -> None:
    """CP-1 booted 10 minutes ago, CP-2 1 minute ago; both connected since."""
    for sid, minutes_ago in (("CP-1", 10), ("CP-2", 1)):
        station = StationId(sid)
        at = now - timedelta(minutes=minutes_ago)
        uow.stations.add(station, "hash", at)
        uow.stations.set_presence(station, True, "1.6", "node", at)
        uow.stations.record_boot(station, INFO, "1.6", RegistrationStatus.ACCEPTED, at)


async def _read(container: Container, now: datetime, since: datetime | None) -> list[str]:
    def read(uow: UnitOfWork) -> list[str]:
        found = uow.maintenance.timed_facts(
            silent_before=now - timedelta(hours=1),
            booted_after=now - timedelta(minutes=30),
            booted_since=since,
        )
        return sorted(f.station_id for f in found)

    return await container.database.read(read)


async def test_only_stations_booted_since_the_last_pass_are_read(container: Container) -> None:
    now = container.clock.now()
    await container.database.write(lambda uow: _boot_two(uow, now))
    assert await _read(container, now, None) == ["CP-1", "CP-2"]  # a first pass: all of them
    assert await _read(container, now, now - timedelta(minutes=5)) == ["CP-2"]
