"""The audit chain's head anchored outside the database (LADDNET_AUDIT_ANCHOR): whoever deletes
the newest entries and moves the database's head back along passes the chain check, but not
the anchor; the periodic check appends the anchor, `laddnet audit anchor` too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from laddnet.adapters.db.tables import audit_chain, audit_log
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.security.audit_chain import Anchor
from laddnet.domain.sites.model import SiteDetails
from tests.integration.accounts.conftest import MASTER_KEY, MovableClock


@pytest.fixture
async def anchored(
    database_url: str, clock: MovableClock, tmp_path: Path
) -> AsyncIterator[tuple[Container, Path]]:
    path = tmp_path / "audit.anchor"
    settings = Settings(database_url=database_url, master_key=MASTER_KEY, audit_anchor=str(path))
    container = build(settings, clock=clock)
    try:
        yield container, path
    finally:
        await container.aclose()


async def _sites(container: Container, *names: str) -> None:
    for name in names:
        await container.sites.create_site(name, SiteDetails(name.upper(), "UTC"), "cli")


def _cut_tail(container: Container, keep: int) -> None:
    """What an attacker with the database does: delete the newest entries and set the head
    to the last one kept, so the chain alone looks intact."""
    with container.engine.begin() as conn:
        rows = conn.execute(select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id))
        kept = list(rows)[:keep]
        conn.execute(delete(audit_log).where(audit_log.c.id > kept[-1].id))
        conn.execute(update(audit_chain).values(last_hash=kept[-1].hash, entries=keep))


async def test_a_truncated_log_passes_the_chain_but_not_the_anchor(
    anchored: tuple[Container, Path],
) -> None:
    container, path = anchored
    await _sites(container, "s1", "s2")
    assert (await container.audit.check()).broken is None
    [line] = path.read_text().splitlines()
    anchor = Anchor.from_line(line)
    assert anchor.count == 2 and len(anchor.hash) == 64
    assert (await container.audit.check()).broken is None
    assert len(path.read_text().splitlines()) == 1  # nothing new: no new anchor
    await _sites(container, "s3", "s4")
    await container.audit.check()
    assert [Anchor.from_line(x).count for x in path.read_text().splitlines()] == [2, 4]

    _cut_tail(container, 3)
    report = await container.audit.verify()
    assert report.broken is not None and report.broken.entry_id is None
    assert "removed from its end" in report.broken.reason and "saw 4" in report.broken.reason
    await container.audit.check()  # the periodic check raises it as a security event
    [event] = await container.queries.security_events()
    assert event["kind"] == "audit_chain_broken" and "anchor" in event["detail"]
    assert len(path.read_text().splitlines()) == 2  # a broken chain is never anchored


async def test_without_the_anchor_the_truncation_goes_unseen_and_a_damaged_anchor_is_named(
    anchored: tuple[Container, Path], database_url: str, clock: MovableClock
) -> None:
    container, path = anchored
    await _sites(container, "s1", "s2", "s3")
    assert await container.audit.anchor() is not None
    _cut_tail(container, 2)
    plain = build(Settings(database_url=database_url, master_key=MASTER_KEY), clock=clock)
    try:
        assert (await plain.audit.verify()).broken is None  # why the anchor exists
    finally:
        await plain.aclose()
    assert (await container.audit.verify()).broken is not None
    path.write_text("garbage\n")
    report = await container.audit.verify()
    assert report.broken is not None and "anchor file is damaged" in report.broken.reason


async def test_a_rewritten_log_does_not_match_the_anchored_hash(
    anchored: tuple[Container, Path],
) -> None:
    container, path = anchored
    await _sites(container, "s1", "s2")
    await container.audit.anchor()
    forged = Anchor.from_line(path.read_text().splitlines()[0])
    path.write_text(Anchor(forged.count, "f" * 64, forged.at).to_line() + "\n")
    report = await container.audit.verify()
    assert report.broken is not None and "rewritten" in report.broken.reason
