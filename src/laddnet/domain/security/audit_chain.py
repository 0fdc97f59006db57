"""The audit log's hash chain: each entry holds the SHA-256 of its content and of the entry
before it, so changing or deleting an entry breaks every link after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry

# The fields an entry's hash covers, in this order.
FIELDS = ("occurred_at", "actor", "source", "action", "target_type", "target_id", "outcome")


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """The hash of one entry: its fields and details (canonical JSON) after `prev_hash`."""
    occurred_at: datetime = entry["occurred_at"]
    values: list[Any] = [prev_hash, occurred_at.astimezone(UTC).isoformat(timespec="microseconds")]
    values += [entry.get(name) for name in FIELDS[1:]]
    values.append(entry.get("detail") or {})
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    entry_id: int | None  # None: the newest entries were deleted (the head does not match)
    reason: str


def verify_chain(
    entries: Iterable[Mapping[str, Any]], head_hash: str | None, head_count: int | None
) -> tuple[int, ChainBreak | None]:
    """Walk the entries in id order; (entries checked, the first break or None)."""
    prev = GENESIS
    checked = 0
    for entry in entries:
        if entry.get("prev_hash") != prev:
            return checked, ChainBreak(
                entry["id"], "its previous-hash does not match the entry before it"
            )
        if entry.get("hash") != entry_hash(prev, entry):
            return checked, ChainBreak(entry["id"], "its content does not match its hash")
        prev = entry["hash"]
        checked += 1
    if head_hash is not None and (head_hash != prev or head_count != checked):
        return checked, ChainBreak(None, "entries after the last one shown were removed")
    return checked, None


@dataclass(frozen=True, slots=True)
class Anchor:
    """The chain's head as written outside the database: after `count` entries, the newest
    entry's hash was `hash` (at `at`)."""

    count: int
    hash: str
    at: datetime

    def to_line(self) -> str:
        at = self.at.astimezone(UTC).isoformat(timespec="seconds")
        return json.dumps({"at": at, "count": self.count, "hash": self.hash}, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> Anchor:
        """Raises ValueError for a line that is not an anchor."""
        try:
            data = json.loads(line)
            anchor = cls(int(data["count"]), str(data["hash"]), datetime.fromisoformat(data["at"]))
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not an audit anchor: {line[:80]!r}") from exc
        if anchor.count < 1 or len(anchor.hash) != 64:
            raise ValueError(f"not an audit anchor: {line[:80]!r}")
        return anchor


def check_anchor(hashes: list[str], anchor: Anchor) -> ChainBreak | None:
    """Whether the verified chain (`hashes`, the entries' hashes in order) still holds what the
    anchor saw: at least `count` entries, the `count`-th with the anchored hash. Deleting the
    newest entries and moving the database's head along fails here."""
    when = anchor.at.astimezone(UTC).isoformat(timespec="seconds")
    if len(hashes) < anchor.count:
        return ChainBreak(
            None,
            f"the log has {len(hashes)} entries, the anchor of {when} saw {anchor.count}:"
            " entries were removed from its end",
        )
    if hashes[anchor.count - 1] != anchor.hash:
        return ChainBreak(
            None,
            f"entry number {anchor.count} does not have the hash the anchor of {when} saw:"
            " the log was rewritten",
        )
    return None
