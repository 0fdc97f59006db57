"""API keys: `ldn_<id>_<secret>`; only an argon2id hash of the whole key is stored."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from laddnet.domain.errors import InvalidInput
from laddnet.ports import Clock, Database, PasswordHasher

PREFIX = "ldn"


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    key_id: str
    role: Role

    @property
    def actor(self) -> str:
        """Who made a change, as the audit log and the command log record it."""
        return f"apikey:{self.key_id}"


class ApiKeyService:
    def __init__(self, db: Database, clock: Clock, hasher: PasswordHasher) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher
        self._verified: dict[str, bytes] = {}

    async def create(self, role: str, label: str | None = None) -> str:
        try:
            parsed = Role(role)
        except ValueError as exc:
            raise InvalidInput(f"unknown role {role!r}; one of {', '.join(Role)}") from exc
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(24)}"
        hashed = await asyncio.to_thread(self._hasher.hash, key)
        now = self._clock.now()
        await self._db.write(lambda uow: uow.api_keys.add(key_id, hashed, parsed.value, label, now))
        return key

    async def verify(self, key: str) -> ApiPrincipal | None:
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        key_id = parts[1]
        row = await self._db.read(lambda uow: uow.api_keys.get(key_id))
        if row is None:
            return None
        hashed, role, revoked = row
        if revoked:
            return None
        fingerprint = hashlib.sha256(hashed.encode() + b"\0" + key.encode()).digest()
        cached = self._verified.get(key_id)
        if cached is None or not hmac.compare_digest(cached, fingerprint):
            if not await asyncio.to_thread(self._hasher.verify, hashed, key):
                return None
            self._verified[key_id] = fingerprint
        return ApiPrincipal(key_id, Role(role))
