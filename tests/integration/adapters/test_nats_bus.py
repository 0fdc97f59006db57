"""The NATS adapter against the real server: request-reply, no responders at once, timeouts,
publish/subscribe, namespaces that keep two Laddnets apart, and a bus that is unreachable.

Each test runs in its own namespace: the server is shared with every other test running."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from laddnet.adapters.bus.nats import NatsBus, NatsEventBus
from laddnet.domain.errors import BusFailed, BusTimeout, NoResponder
from laddnet.domain.events import Event
from tests.bus import nats_url


def _namespace() -> str:
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def namespace() -> str:
    return _namespace()


@pytest.fixture
async def bus(namespace: str) -> AsyncIterator[NatsBus]:
    bus = NatsBus(await nats_url(), name="test", namespace=namespace)
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.close()


def _subject() -> str:
    return f"test.{uuid.uuid4().hex}"


async def test_a_request_is_answered_by_the_node_serving_its_subject(bus: NatsBus) -> None:
    subject = _subject()

    async def echo(data: bytes) -> bytes:
        return data.upper()

    served = await bus.serve(subject, echo)
    assert await bus.request(subject, b"reset", timeout=2) == b"RESET"
    await served.unsubscribe()


async def test_a_request_nobody_serves_fails_at_once(bus: NatsBus) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    with pytest.raises(NoResponder):
        await bus.request(_subject(), b"x", timeout=5)
    assert loop.time() - start < 1


async def test_a_request_not_answered_in_time_times_out(bus: NatsBus) -> None:
    subject = _subject()

    async def slow(data: bytes) -> bytes:
        await asyncio.sleep(2)
        return data

    served = await bus.serve(subject, slow)
    with pytest.raises(BusTimeout):
        await bus.request(subject, b"x", timeout=0.3)
    await served.unsubscribe()  # waits for the slow answer under way


async def test_slow_requests_do_not_hold_up_the_next(bus: NatsBus) -> None:
    subject = _subject()

    async def handler(data: bytes) -> bytes:
        await asyncio.sleep(0.5 if data == b"slow" else 0)
        return data

    served = await bus.serve(subject, handler)
    slow = asyncio.create_task(bus.request(subject, b"slow", timeout=2))
    await asyncio.sleep(0.05)
    async with asyncio.timeout(0.3):
        assert await bus.request(subject, b"fast", timeout=2) == b"fast"
    assert await slow == b"slow"
    await served.unsubscribe()


async def test_published_messages_reach_every_subscriber(bus: NatsBus) -> None:
    subject = _subject()
    got: list[bytes] = []
    both = asyncio.Event()

    async def on_message(data: bytes) -> None:
        got.append(data)
        if len(got) == 2:
            both.set()

    subs = [await bus.subscribe(subject, on_message) for _ in range(2)]
    await bus.publish(subject, b"hello")
    async with asyncio.timeout(2):
        await both.wait()
    assert got == [b"hello", b"hello"]
    for sub in subs:
        await sub.unsubscribe()


async def test_an_event_published_by_one_node_reaches_every_nodes_listeners(
    bus: NatsBus, namespace: str
) -> None:
    other = NatsBus(await nats_url(), name="test-other", namespace=namespace)
    await other.connect()
    here, there = NatsEventBus(bus), NatsEventBus(other)
    await here.start()
    await there.start()
    got_here: list[Event] = []
    got_there: list[Event] = []
    here.subscribe(got_here.append)
    unsubscribe = there.subscribe(got_there.append)
    event = Event(7, "station.connected", datetime(2026, 12, 6, tzinfo=UTC), "CP-1", {"n": 1})
    try:
        await bus.publish("events", b"not an event")  # dropped, not fatal
        await here.publish(event)
        async with asyncio.timeout(2):
            while not (got_here and got_there):
                await asyncio.sleep(0.01)
        assert got_here == got_there == [event]  # the publisher's own listeners too, once
        unsubscribe()
        await here.publish(event)
        async with asyncio.timeout(2):
            while len(got_here) < 2:
                await asyncio.sleep(0.01)
        assert len(got_there) == 1
    finally:
        await here.stop()
        await there.stop()
        await other.close()


async def test_another_namespace_sees_neither_the_commands_nor_the_events(bus: NatsBus) -> None:
    """Staging and production on one NATS server: same node names, same subjects."""
    other = NatsBus(await nats_url(), name="test-other", namespace=_namespace())
    await other.connect()
    here, there = NatsEventBus(bus), NatsEventBus(other)
    await here.start()
    await there.start()
    got_there: list[Event] = []
    there.subscribe(got_there.append)

    async def echo(data: bytes) -> bytes:
        return data

    served = await bus.serve("node.node-a.call", echo)
    try:
        assert await bus.request("node.node-a.call", b"reset", timeout=2) == b"reset"
        with pytest.raises(NoResponder):
            await other.request("node.node-a.call", b"reset", timeout=2)
        event = Event(1, "station.connected", datetime(2026, 12, 6, tzinfo=UTC), "CP-1", {})
        await here.publish(event)
        await there.publish(event)  # its own arrives: had ours crossed over, it came first
        async with asyncio.timeout(2):
            while not got_there:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert got_there == [event]
    finally:
        await served.unsubscribe()
        await here.stop()
        await there.stop()
        await other.close()


async def test_an_unreachable_bus_is_a_one_line_bus_failure() -> None:
    bus = NatsBus("nats://127.0.0.1:1", name="test", connect_timeout=0.5)
    with pytest.raises(BusFailed, match=r"unreachable at nats://127\.0\.0\.1:1"):
        await bus.connect()
    with pytest.raises(BusFailed, match="not connected"):
        await bus.request("x", b"", timeout=1)
