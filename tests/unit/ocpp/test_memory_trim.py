"""Memory is given back after a storm of connections has settled, not during it, and at most
every so often otherwise."""

from __future__ import annotations

import asyncio
import contextlib

from laddnet.ocpp.memory_trim import TrimPolicy, malloc_trim, trim_after_storms

POLICY = TrimPolicy(storm=1_000, settled=50, every=600.0)


def test_a_storm_is_trimmed_once_it_has_settled() -> None:
    assert not POLICY.due(since_trim=5_000, since_check=800, seconds_since_trim=30)  # raging
    assert POLICY.due(since_trim=5_000, since_check=10, seconds_since_trim=30)  # settled
    assert not POLICY.due(since_trim=999, since_check=0, seconds_since_trim=30)  # no storm


def test_otherwise_memory_is_trimmed_every_so_often_if_connections_came() -> None:
    assert POLICY.due(since_trim=3, since_check=0, seconds_since_trim=600)
    assert not POLICY.due(since_trim=0, since_check=0, seconds_since_trim=6_000)


def test_glibc_trim_is_found_and_runs() -> None:
    trim = malloc_trim()
    assert trim is not None  # the project runs on glibc (Linux)
    assert trim() in (0, 1)  # 1: memory was released, 0: there was none to release


async def test_the_trimmer_waits_for_the_storm_to_settle_and_collects_garbage_first() -> None:
    opened = 0
    trims: list[int] = []
    done: list[str] = []

    def trim() -> None:
        trims.append(opened)
        done.append("trim")

    policy = TrimPolicy(storm=100, settled=5, every=600.0)
    watch = trim_after_storms(
        lambda: opened,
        check_every=0.01,
        policy=policy,
        trim=trim,
        collect=lambda: done.append("collect"),
    )
    task = asyncio.create_task(watch)
    await asyncio.sleep(0.05)  # running, and nothing to trim
    assert trims == []
    opened = 800  # a storm, seen raging by the next check, settled by the one after
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert trims == [800]
    assert done == ["collect", "trim"]


async def test_a_periodic_trim_collects_no_garbage() -> None:
    opened = 0
    done: list[str] = []
    policy = TrimPolicy(storm=100, settled=5, every=0.05)
    watch = trim_after_storms(
        lambda: opened,
        check_every=0.01,
        policy=policy,
        trim=lambda: done.append("trim"),
        collect=lambda: done.append("collect"),
    )
    task = asyncio.create_task(watch)
    await asyncio.sleep(0.02)  # running
    opened = 3  # a few connections, no storm
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert "trim" in done
    assert "collect" not in done
