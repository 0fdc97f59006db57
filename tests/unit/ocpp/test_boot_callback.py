"""The pacing of boot callbacks: room, a cap per round, oldest first, forgotten stations."""

from __future__ import annotations

import asyncio

from laddnet.ocpp.boot_callback import BootCallbacks
from laddnet.ocpp.rpc import Session

NEVER = 3600.0  # the pump's own rounds never come: each test drives call_back() itself


def _sessions(n: int) -> list[Session]:
    return [Session(f"CP-{i}", "ocpp2.0.1") for i in range(1, n + 1)]


async def _settled() -> None:
    for _ in range(5):  # the started callbacks run to their end
        await asyncio.sleep(0)


async def test_no_room_calls_nobody_back() -> None:
    called: list[str] = []

    async def trigger(s: Session) -> None:
        called.append(s.station_id)

    callbacks = BootCallbacks(lambda: 0, trigger, tick=NEVER)
    for s in _sessions(3):
        callbacks.remember(s)
    assert callbacks.call_back() == 0
    await _settled()
    assert called == [] and len(callbacks) == 3
    await callbacks.stop()


async def test_oldest_first_at_most_per_round_and_forgotten_ones_skipped() -> None:
    called: list[str] = []

    async def trigger(s: Session) -> None:
        called.append(s.station_id)

    callbacks = BootCallbacks(lambda: 100, trigger, per_tick=2, tick=NEVER)
    one, two, three, four = _sessions(4)
    for s in (one, two, three, four):
        callbacks.remember(s)
    callbacks.remember(one)  # answered Pending again: keeps its place
    callbacks.forget(two)  # disconnected, or booting again
    assert callbacks.call_back() == 2
    await _settled()
    assert called == ["CP-1", "CP-3"]
    assert callbacks.call_back() == 1
    await _settled()
    assert called == ["CP-1", "CP-3", "CP-4"] and len(callbacks) == 0
    await callbacks.stop()


async def test_callbacks_under_way_take_their_room_until_done() -> None:
    release = asyncio.Event()

    async def trigger(_s: Session) -> None:
        await release.wait()

    callbacks = BootCallbacks(lambda: 2, trigger, tick=NEVER)
    for s in _sessions(4):
        callbacks.remember(s)
    assert callbacks.call_back() == 2
    assert callbacks.call_back() == 0  # both slots are taken by callbacks under way
    release.set()
    async with asyncio.timeout(5):
        while (started := callbacks.call_back()) == 0:
            await asyncio.sleep(0)
    assert started == 2 and len(callbacks) == 0
    await callbacks.stop()


async def test_turned_off_remembers_nobody() -> None:
    async def trigger(_s: Session) -> None:
        raise AssertionError("not to be called")

    callbacks = BootCallbacks(lambda: 10, trigger, enabled=False, tick=NEVER)
    callbacks.remember(_sessions(1)[0])
    assert len(callbacks) == 0 and callbacks.call_back() == 0
    await callbacks.stop()


async def test_the_pump_calls_back_on_its_own() -> None:
    done = asyncio.Event()

    async def trigger(_s: Session) -> None:
        done.set()

    callbacks = BootCallbacks(lambda: 1, trigger, tick=0.01)
    callbacks.remember(_sessions(1)[0])
    async with asyncio.timeout(5):
        await done.wait()
    assert len(callbacks) == 0
    await callbacks.stop()
