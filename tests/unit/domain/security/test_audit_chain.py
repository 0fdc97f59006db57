"""The audit hash chain: a changed, deleted or reordered entry is found, and named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from laddnet.domain.security.audit_chain import GENESIS, entry_hash, verify_chain

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def chain(n: int) -> list[dict[str, Any]]:
    entries, prev = [], GENESIS
    for i in range(1, n + 1):
        entry: dict[str, Any] = {
            "id": i,
            "occurred_at": T0 + timedelta(seconds=i),
            "actor": "cli",
            "source": None,
            "action": "site.created",
            "target_type": "site",
            "target_id": f"S{i}",
            "outcome": "ok",
            "detail": {"name": f"Site {i}", "n": i},
        }
        entry["prev_hash"] = prev
        entry["hash"] = prev = entry_hash(prev, entry)
        entries.append(entry)
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = chain(5)
    assert verify_chain(entries, entries[-1]["hash"], 5) == (5, None)


def test_a_changed_detail_names_its_entry() -> None:
    entries = chain(5)
    entries[2]["detail"] = {"name": "Site 3", "n": 30}
    checked, broken = verify_chain(entries, entries[-1]["hash"], 5)
    assert checked == 2
    assert broken is not None and broken.entry_id == 3 and "content" in broken.reason


def test_a_deleted_entry_breaks_the_next_link() -> None:
    entries = chain(5)
    del entries[1]
    _checked, broken = verify_chain(entries, entries[-1]["hash"], 5)
    assert broken is not None and broken.entry_id == 3


def test_deleting_the_newest_entries_is_seen_at_the_head() -> None:
    entries = chain(5)
    head = entries[-1]["hash"]
    _checked, broken = verify_chain(entries[:3], head, 5)
    assert broken is not None and broken.entry_id is None


def test_the_hash_ignores_the_time_zone_of_the_same_instant() -> None:
    entry = chain(1)[0]
    shifted = {
        **entry,
        "occurred_at": entry["occurred_at"].astimezone(timezone(timedelta(hours=1))),
    }
    assert entry_hash(GENESIS, shifted) == entry["hash"]
