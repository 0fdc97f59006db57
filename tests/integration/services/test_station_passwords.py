"""Station passwords over time: one stored with older argon2 parameters is stored again with
today's at its next login (ADR 4), and an operator's password change takes effect at the next
login and is recorded."""

from __future__ import annotations

import pytest

from laddnet.adapters.crypto.passwords import Argon2Hasher
from laddnet.bootstrap import Container
from laddnet.domain.errors import UnknownStation
from laddnet.domain.ids import StationId

PASSWORD = "station-password-0001"


async def _stored_hash(container: Container, station_id: StationId) -> str:
    found = await container.database.read(lambda uow: uow.stations.credentials(station_id))
    assert found is not None
    return found.password_hash


async def _add_with_old_parameters(container: Container, station_id: StationId) -> str:
    old = Argon2Hasher(time_cost=1, memory_cost=1024).hash(PASSWORD)
    now = container.clock.now()
    await container.database.write(lambda uow: uow.stations.add(station_id, old, now))
    return old


async def test_a_login_stores_the_password_again_with_todays_parameters(
    container: Container,
) -> None:
    sid = StationId("CP-1")
    old = await _add_with_old_parameters(container, sid)
    memory = container.settings.station_hash_memory_kib
    assert f"m={memory}," not in old

    assert await container.stations.authenticate(sid, PASSWORD)

    new = await _stored_hash(container, sid)
    assert new != old
    assert f"m={memory}," in new
    assert Argon2Hasher().verify(new, PASSWORD)
    assert not await container.stations.authenticate(sid, "wrong-password-0001")
    assert await container.stations.authenticate(sid, PASSWORD)
    assert await _stored_hash(container, sid) == new  # today's parameters: left as it is


async def test_a_wrong_password_changes_nothing(container: Container) -> None:
    sid = StationId("CP-1")
    old = await _add_with_old_parameters(container, sid)

    assert not await container.stations.authenticate(sid, "wrong-password-0001")

    assert await _stored_hash(container, sid) == old


async def test_a_rehash_never_overwrites_a_password_changed_meanwhile(
    container: Container,
) -> None:
    sid = StationId("CP-1")
    old = await _add_with_old_parameters(container, sid)
    changed = Argon2Hasher().hash("another-password-0001")
    assert await container.database.write(lambda uow: uow.stations.set_password_hash(sid, changed))

    # A rehash computed from the old hash arrives late: the new password stays.
    stored = await container.database.write(
        lambda uow: uow.stations.set_password_hash(sid, "stale-rehash", replacing=old)
    )

    assert not stored
    assert await _stored_hash(container, sid) == changed


async def test_a_password_change_is_recorded_and_only_the_new_one_logs_in(
    container: Container,
) -> None:
    sid = StationId("CP-1")
    await container.stations.add_station(sid, PASSWORD)
    assert await container.stations.authenticate(sid, PASSWORD)  # now remembered in memory

    await container.stations.set_password(sid, "another-password-0001")

    assert not await container.stations.authenticate(sid, PASSWORD)
    assert await container.stations.authenticate(sid, "another-password-0001")
    events = await container.queries.security_events()
    assert [(e["kind"], e["station_id"]) for e in events] == [("password_changed", "CP-1")]
    assert "another-password" not in str(events)


async def test_changing_an_unknown_stations_password_raises_and_records_nothing(
    container: Container,
) -> None:
    with pytest.raises(UnknownStation):
        await container.stations.set_password(StationId("NOPE-1"), PASSWORD)
    assert await container.queries.security_events() == []


async def test_a_drawn_password_logs_in_and_is_never_rehashed_to_argon2(
    container: Container,
) -> None:
    """ADR 0009: a password Laddnet drew is stored as a salted HMAC-SHA256, verified without
    argon2, and stays in that form at every login."""
    admin = container.station_admin
    station, password = await admin.register_station_drawing_password(
        StationId("CP-1"), actor="test"
    )
    stored = await _stored_hash(container, station.id)

    assert stored.startswith("$hmac-sha256$")
    assert password not in stored
    assert await container.stations.authenticate(station.id, password)
    assert not await container.stations.authenticate(station.id, password.swapcase())
    assert await container.stations.cached_login(station.id, password)
    wrong = password[:-1] + ("1" if password.endswith("0") else "0")  # never the password
    assert not await container.stations.cached_login(station.id, wrong)
    assert await _stored_hash(container, station.id) == stored


async def test_imported_stations_without_a_password_get_one_drawn_each(
    container: Container,
) -> None:
    drawn = await container.stations.add_stations(
        [(StationId("CP-1"), None), (StationId("CP-2"), PASSWORD), (StationId("CP-3"), None)]
    )

    assert sorted(drawn) == ["CP-1", "CP-3"]
    assert drawn[StationId("CP-1")] != drawn[StationId("CP-3")]
    assert (await _stored_hash(container, StationId("CP-1"))).startswith("$hmac-sha256$")
    assert (await _stored_hash(container, StationId("CP-2"))).startswith("$argon2id$")
    for sid, password in [*drawn.items(), (StationId("CP-2"), PASSWORD)]:
        assert await container.stations.authenticate(sid, password)


async def test_drawn_passwords_are_kept_before_the_import_and_unkept_ones_import_nothing(
    container: Container,
) -> None:
    stations = [(StationId("CP-1"), None), (StationId("CP-2"), PASSWORD)]
    seen: list[dict[StationId, str]] = []

    def disk_full(drawn: dict[StationId, str]) -> None:
        seen.append(dict(drawn))
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        await container.stations.add_stations(stations, keep_drawn=disk_full)
    assert list(seen[0]) == ["CP-1"]
    assert await container.queries.station(StationId("CP-1")) is None
    assert await container.queries.station(StationId("CP-2")) is None

    kept: dict[StationId, str] = {}
    drawn = await container.stations.add_stations(stations, keep_drawn=kept.update)
    assert kept == drawn
    assert await container.stations.authenticate(StationId("CP-1"), kept[StationId("CP-1")])
