"""The audit chain's head written outside the database: one JSON line per anchor, appended to
a file (LADDNET_AUDIT_ANCHOR; keep it on other storage, or make it append-only with
`chattr +a`), so a copy of the database alone cannot hide a truncated log."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from laddnet.domain.security.audit_chain import Anchor


class FileAuditAnchor:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    async def append(self, anchor: Anchor) -> None:
        await asyncio.to_thread(self._append, anchor.to_line() + "\n")

    def _append(self, line: str) -> None:
        # O_APPEND: one short write per line, so processes sharing the file do not interleave.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    async def latest(self) -> Anchor | None:
        """The newest anchor (the one that saw the most entries), or None with no file yet.
        Raises ValueError when a line is not an anchor (the file was tampered with)."""
        text = await asyncio.to_thread(self._read)
        anchors = [Anchor.from_line(line) for line in text.splitlines() if line.strip()]
        return max(anchors, key=lambda a: a.count, default=None)

    def _read(self) -> str:
        try:
            return self.path.read_text("utf-8")
        except FileNotFoundError:
            return ""
