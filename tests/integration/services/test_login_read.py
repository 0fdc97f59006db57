"""A login reads in one go what follows a connection needs: whether a credential change is
under way, the networks the station has connected from, whether its configuration was ever
read. A storm of logins by stations with none of these then costs no further reads."""

from __future__ import annotations

from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import ChangeKind, ChangeState, CredentialChange

PASSWORD = "station-password-0001"


async def test_a_login_carries_what_follows_the_connection(container: Container) -> None:
    sid = StationId("CP-1")
    await container.stations.add_station(sid, PASSWORD)
    login = await container.stations.authenticate(sid, PASSWORD)
    assert login is not None
    assert not login.open_changes
    assert login.seen_networks == frozenset()
    assert not login.configuration_read

    guard = container.station_guard
    assert await guard.note_connection(sid, "198.51.100.7", login.seen_networks) == "first"
    now = container.clock.now()
    change = CredentialChange(0, sid, ChangeKind.PASSWORD, ChangeState.SENT, "test", now)
    await container.database.write(lambda uow: uow.credential_changes.add(change))
    await container.database.write(lambda uow: uow.configuration.mark_read(sid, now))

    again = await container.stations.authenticate(sid, PASSWORD)
    assert again is not None
    assert again.open_changes
    assert again.seen_networks == frozenset({"198.51.100.0/24"})
    assert again.configuration_read


async def test_networks_the_login_read_spare_the_guard_its_own_read(container: Container) -> None:
    guard = container.station_guard
    known = frozenset({"198.51.100.0/24"})
    # Known to the login: nothing read and nothing written.
    assert await guard.note_connection("CP-1", "198.51.100.7", known) == "known"
    assert await guard.station_networks("CP-1") == []
    # New to the login: written at once, and an event because it has used another network.
    await container.database.write(
        lambda uow: uow.guard.note_network("CP-1", "198.51.100.0/24", container.clock.now())
    )
    assert await guard.note_connection("CP-1", "203.0.113.9", known) == "new"
    assert [n for n, _, _ in await guard.station_networks("CP-1")] == [
        "198.51.100.0/24",
        "203.0.113.0/24",
    ]
