"""API keys: `ldn_<id>_<secret>`; only an argon2id hash of the whole key is stored. A key has
a role, optionally a site scope and an expiry; its last use is recorded (to the minute)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from laddnet.domain.accounts.model import Principal, PrincipalKind
from laddnet.domain.accounts.roles import Role, parse_role
from laddnet.domain.accounts.sessions import needs_touch
from laddnet.domain.errors import InvalidInput, NotFound
from laddnet.domain.ids import SiteId
from laddnet.ports import Clock, Database, PasswordHasher, UnitOfWork

PREFIX = "ldn"

# Kept for callers written when only API keys existed: a key's principal is a Principal.
ApiPrincipal = Principal

__all__ = ["PREFIX", "ApiKey", "ApiKeyService", "ApiPrincipal", "Role"]


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as listed: everything but its secret."""

    id: str
    role: Role
    label: str | None
    sites: frozenset[str] | None
    expires_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime
    created_by: str | None
    revoked: bool


class ApiKeyService:
    def __init__(self, db: Database, clock: Clock, hasher: PasswordHasher) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher
        self._verified: dict[str, bytes] = {}

    async def create(
        self,
        role: str,
        label: str | None = None,
        *,
        sites: Collection[str] | None = None,
        expires_at: datetime | None = None,
        actor: str = "cli",
        source: str | None = None,
    ) -> str:
        try:
            parsed = parse_role(role)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        scope = None if sites is None else frozenset(s.strip() for s in sites if s.strip())
        if scope is not None and not scope:
            raise InvalidInput("a site scope names at least one site (or none for every site)")
        now = self._clock.now()
        if expires_at is not None and expires_at <= now:
            raise InvalidInput("expires_at is in the past")
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(24)}"
        hashed = await asyncio.to_thread(self._hasher.hash, key)

        def add(uow: UnitOfWork) -> None:
            for site in sorted(scope or ()):
                if not uow.sites.exists(SiteId(site)):
                    raise InvalidInput(f"site {site!r} does not exist")
            uow.api_keys.add(key_id, hashed, parsed.value, label, now)
            uow.api_keys.set_scope(key_id, scope, expires_at, actor)
            detail = {
                "role": parsed.value,
                "label": label,
                "sites": None if scope is None else sorted(scope),
                "expires_at": expires_at.isoformat() if expires_at else None,
            }
            uow.audit.record(
                actor, "api_key.created", "api_key", key_id, detail, now, source=source
            )

        await self._db.write(add)
        return key

    async def list(self) -> list[ApiKey]:
        rows = await self._db.read(lambda uow: uow.api_keys.list())
        return [
            ApiKey(
                id=r["id"],
                role=Role(r["role"]),
                label=r["label"],
                sites=None if r["sites"] is None else frozenset(r["sites"]),
                expires_at=r["expires_at"],
                last_used_at=r["last_used_at"],
                created_at=r["created_at"],
                created_by=r["created_by"],
                revoked=bool(r["revoked"]),
            )
            for r in rows
        ]

    async def revoke(self, key_id: str, *, actor: str, source: str | None = None) -> None:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            if not uow.api_keys.revoke(key_id):
                raise NotFound(f"API key {key_id!r} not found")
            uow.audit.record(actor, "api_key.revoked", "api_key", key_id, {}, now, source=source)

        await self._db.write(apply)
        self._verified.pop(key_id, None)

    async def verify(self, key: str) -> Principal | None:
        parts = key.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            return None
        key_id = parts[1]
        row = await self._db.read(lambda uow: uow.api_keys.lookup(key_id))
        if row is None or row["revoked"]:
            return None
        now = self._clock.now()
        if row["expires_at"] is not None and row["expires_at"] <= now:
            return None
        hashed = row["key_hash"]
        fingerprint = hashlib.sha256(hashed.encode() + b"\0" + key.encode()).digest()
        cached = self._verified.get(key_id)
        if cached is None or not hmac.compare_digest(cached, fingerprint):
            if not await asyncio.to_thread(self._hasher.verify, hashed, key):
                return None
            self._verified[key_id] = fingerprint
        last = row["last_used_at"]
        if last is None or needs_touch(last, now):
            await self._db.write(lambda uow: uow.api_keys.used(key_id, now))
        sites = None if row["sites"] is None else frozenset(row["sites"])
        return Principal(PrincipalKind.API_KEY, key_id, Role(row["role"]), sites)
