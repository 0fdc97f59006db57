"""The outbox relay: events published only after their change commits, none lost across a
restart, and each claimed by exactly one relay when several processes share PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from laddnet.adapters.bus.memory import MemoryEventBus
from laddnet.adapters.db.outbox_claims import SqlOutboxClaims
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.events import Event
from laddnet.ports import SystemClock, UnitOfWork
from laddnet.services.events.relay import OutboxRelay

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _add(count: int, station: str = "CP-1") -> object:
    def add(uow: UnitOfWork) -> None:
        for n in range(count):
            uow.outbox.add("session.updated", station, {"n": n}, NOW)

    return add


async def _unpublished(container: Container) -> int:
    return int(
        await container.database.read(
            lambda uow: uow.connection.exec_driver_sql(
                "SELECT count(*) FROM outbox_events WHERE published_at IS NULL"
            ).scalar_one()
        )
    )


async def _wait_until_all_published(container: Container) -> None:
    async with asyncio.timeout(10):
        while await _unpublished(container):
            await asyncio.sleep(0.01)


async def _wait_for(received: list[Event], count: int) -> None:
    async with asyncio.timeout(10):
        while len(received) < count:
            await asyncio.sleep(0.01)


async def test_an_event_exists_only_if_its_unit_of_work_committed(container: Container) -> None:
    received: list[Event] = []
    container.event_bus.subscribe(received.append)
    await container.events.start()

    def fails(uow: UnitOfWork) -> None:
        uow.outbox.add("station.connected", "CP-1", {}, NOW)
        raise RuntimeError("the change fails after its event was written")

    with pytest.raises(RuntimeError):
        await container.database.write(fails)
    await container.database.write(_add(1))  # type: ignore[arg-type]
    await _wait_for(received, 1)  # the writer's nudge, well before the poll interval
    await asyncio.sleep(0.2)
    assert [e.type for e in received] == ["session.updated"]
    await _wait_until_all_published(container)


async def test_events_written_while_no_relay_ran_are_published_at_start(
    database_url: str,
) -> None:
    first = build(Settings(database_url=database_url))
    try:
        await first.database.write(_add(5))  # type: ignore[arg-type]
    finally:
        await first.aclose()  # the process dies before its relay ran
    second = build(Settings(database_url=database_url, events_poll_interval=30))
    received: list[Event] = []
    second.event_bus.subscribe(received.append)
    try:
        assert await _unpublished(second) == 5
        await second.events.start()
        await _wait_for(received, 5)
        assert [e.data["n"] for e in received] == [0, 1, 2, 3, 4]
        await _wait_until_all_published(second)  # marked when the claim commits, just after
    finally:
        await second.aclose()


class _FailingBus(MemoryEventBus):
    async def publish(self, event: Event) -> None:
        raise ConnectionError("the bus went away")


async def test_a_relay_that_fails_to_publish_leaves_its_claim_unpublished_on_postgres(
    postgres_url: str,
) -> None:
    # Only on PostgreSQL: on SQLite (one process) the claim commits before publishing (ADR 6).
    container = build(Settings(database_url=postgres_url))
    try:
        await container.database.write(_add(3))  # type: ignore[arg-type]
        relay = OutboxRelay(
            SqlOutboxClaims(container.database),
            _FailingBus(),
            SystemClock(),
            poll_interval=1,
            retention=timedelta(hours=24),
        )
        with pytest.raises(ConnectionError):
            await relay.publish_pending()
        assert await _unpublished(container) == 3
    finally:
        await container.aclose()


async def test_two_relays_on_one_postgres_claim_each_event_once(postgres_url: str) -> None:
    a = build(Settings(database_url=postgres_url))
    b = build(Settings(database_url=postgres_url))
    try:
        hook, _secret = await a.events.webhooks.create("http://127.0.0.1:9/hook", ["*"], "test")
        await a.database.write(_add(200))  # type: ignore[arg-type]
        got: dict[str, list[int]] = {"a": [], "b": []}
        relays = []
        for name, container in (("a", a), ("b", b)):
            bus = MemoryEventBus()
            bus.subscribe(lambda e, name=name: got[name].append(e.id))  # type: ignore[misc]
            relays.append(
                OutboxRelay(
                    SqlOutboxClaims(container.database),
                    bus,
                    SystemClock(),
                    poll_interval=1,
                    retention=timedelta(hours=24),
                    batch_size=7,
                )
            )
        counts = await asyncio.gather(*(r.publish_pending() for r in relays))
        assert sum(counts) == 200
        assert not set(got["a"]) & set(got["b"])
        assert len(got["a"]) + len(got["b"]) == 200
        deliveries = await a.events.webhooks.deliveries(hook.id, limit=500, offset=0)
        assert sorted(d.event_id for d in deliveries) == sorted(got["a"] + got["b"])
    finally:
        await a.aclose()
        await b.aclose()
