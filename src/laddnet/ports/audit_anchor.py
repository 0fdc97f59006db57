"""Where the audit chain's head is anchored outside the database."""

from __future__ import annotations

from typing import Protocol

from laddnet.domain.security.audit_chain import Anchor


class AuditAnchor(Protocol):
    async def append(self, anchor: Anchor) -> None: ...
    async def latest(self) -> Anchor | None: ...


__all__ = ["AuditAnchor"]
