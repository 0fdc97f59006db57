"""Drivers' id tokens (RFID card UIDs, app tokens). A token linked to a driver identifies a
person, so `id_tokens` holds only its keyed hash (the lookup key, as the e-mail's blind
index) and the token encrypted; Authorize and the session handlers hash the presented token
(one HMAC, the cipher cached) and look both the clear value and the hash up by primary key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laddnet.domain.authorization.model import fold_token
from laddnet.domain.drivers.model import UnknownDriver
from laddnet.domain.drivers.tokens import HASHED_PREFIX, TokenKind, validated_token
from laddnet.domain.errors import Conflict, NotFound
from laddnet.ports import Clock, Database, FieldCipher, KeyRing, UnitOfWork

_FIELD = "id_token"


def token_key(cipher: FieldCipher, value: str) -> str:
    """The lookup key of a driver's token: "#" and 35 hex digits (140 bits) of its keyed
    hash, so it fits the 36 characters of `id_tokens.value`. The hash is of the folded token
    (`fold_token`): a card presented in another case is the same card."""
    return HASHED_PREFIX + cipher.blind_index(_FIELD, fold_token(value))[:35]


def token_keys(cipher: FieldCipher, value: str) -> list[str]:
    """The lookup key under every index key, newest first (more than one only while an index
    key rotation recomputes the keys)."""
    folded = fold_token(value)
    return [HASHED_PREFIX + index[:35] for index in cipher.blind_indexes(_FIELD, folded)]


async def presented_key(
    keys: KeyRing | None, value: str | None, db: Database | None = None
) -> str | None:
    """The key to look a presented token up by, besides its clear value. While an index key
    rotation runs, the newest key that is stored (new, then old), read through `db`."""
    if keys is None or not value or value.startswith(HASHED_PREFIX):
        return None
    candidates = token_keys(await keys.cipher(), value)
    if len(candidates) > 1 and db is not None:
        for candidate in candidates:
            if await db.read(_stored(candidate)):
                return candidate
    return candidates[0]


@dataclass(frozen=True, slots=True)
class DriverToken:
    id: str  # the hex of the lookup key: names the token in URLs, reveals nothing
    value: str
    kind: str
    blocked: bool
    created_at: datetime


def opened(cipher: FieldCipher, row: dict[str, Any]) -> DriverToken:
    value = cipher.decrypt(_FIELD, row["value_enc"])
    return DriverToken(
        row["value"].removeprefix(HASHED_PREFIX), value, row["kind"], row["blocked"],
        row["created_at"],
    )  # fmt: skip


class DriverTokenService:
    def __init__(self, db: Database, clock: Clock, keys: KeyRing) -> None:
        self._db = db
        self._clock = clock
        self._keys = keys

    async def add(
        self, driver_id: str, value: str, kind: TokenKind, *, actor: str, source: str | None
    ) -> DriverToken:
        value = validated_token(value)
        cipher = await self._keys.cipher()
        key = token_key(cipher, value)
        sealed = cipher.encrypt(_FIELD, value)
        now = self._clock.now()

        others = token_keys(cipher, value)[1:]  # while the index key rotates

        def apply(uow: UnitOfWork) -> None:
            _live_driver(uow, driver_id)
            if any(uow.tokens.get(k) is not None for k in [value, *others]):
                raise Conflict("value: this token is registered already")
            if not uow.tokens.add_for_driver(key, driver_id, sealed, kind.value, now):
                raise Conflict("value: this token is registered already")
            details = {"token": key[1:], "kind": kind.value}  # the hash, never the token
            uow.audit.record(actor, "driver.token_added", "driver", driver_id, details, now,
                             source=source)  # fmt: skip

        await self._db.write(apply)
        return DriverToken(key[1:], value, kind.value, False, now)

    async def list(self, driver_id: str) -> list[DriverToken]:
        def read(uow: UnitOfWork) -> list[dict[str, Any]]:
            _live_driver(uow, driver_id)
            return uow.tokens.for_driver(driver_id)

        rows = await self._db.read(read)
        cipher = await cipher_for(self._keys, rows)
        return [opened(cipher, r) for r in rows]

    async def reencrypt(self, batch: int = 200) -> int:
        """Encrypt again, under the newest data key, every token encrypted under an older one."""
        cipher = await self._keys.cipher()
        done, after = 0, ""
        while True:
            rows = await self._db.read(_tokens_after(after, batch))
            if not rows:
                return done
            for row in rows:
                if cipher.key_of(row["value_enc"]) != cipher.active:
                    sealed = cipher.encrypt(_FIELD, cipher.decrypt(_FIELD, row["value_enc"]))
                    await self._db.write(_reseal(row["value"], sealed))
                    done += 1
            after = rows[-1]["value"]

    async def reindex(self, batch: int = 200) -> tuple[int, int]:
        """Move every driver's token to its key under the newest index key, hashed from the
        folded token: after an index key rotation, and for keys hashed from the token as
        registered, not folded (before migration 0016). A token whose folded key another
        token holds already (one card registered twice in different cases) is removed and
        the removal audited with the key kept. Idempotent; returns (moved, removed)."""
        moved = removed = 0
        after = ""
        while True:
            rows = await self._db.read(_tokens_after(after, batch))
            if not rows:
                return moved, removed
            cipher = await cipher_for(self._keys, rows)
            for row in rows:
                key = token_key(cipher, cipher.decrypt(_FIELD, row["value_enc"]))
                if key != row["value"]:
                    if await self._db.write(_rekey(row["value"], key)):
                        moved += 1
                    else:
                        await self._db.write(self._drop_duplicate(row, key))
                        removed += 1
            after = rows[-1]["value"]

    def _drop_duplicate(self, row: dict[str, Any], key: str) -> Callable[[UnitOfWork], None]:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            driver_id = row["driver_id"]
            if uow.tokens.delete_for_driver(driver_id, row["value"]):
                details = {"token": row["value"][1:], "reason": "same token in another case",
                           "kept": key[1:]}  # fmt: skip
                uow.audit.record("system", "driver.token_removed", "driver", driver_id,
                                 details, now)  # fmt: skip

        return apply

    async def remove(
        self, driver_id: str, token_id: str, *, actor: str, source: str | None
    ) -> None:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            _live_driver(uow, driver_id)
            if not uow.tokens.delete_for_driver(driver_id, HASHED_PREFIX + token_id):
                raise NotFound(f"token {token_id!r} of driver {driver_id!r} not found")
            uow.audit.record(actor, "driver.token_removed", "driver", driver_id,
                             {"token": token_id}, now, source=source)  # fmt: skip

        await self._db.write(apply)


async def cipher_for(keys: KeyRing, rows: list[dict[str, Any]]) -> FieldCipher:
    """The cipher, read again if a token was encrypted under a data key another process made."""
    cipher = await keys.cipher()
    if any(not cipher.knows(cipher.key_of(r["value_enc"])) for r in rows):
        cipher = await keys.reload()
    return cipher


def _tokens_after(after: str, limit: int) -> Callable[[UnitOfWork], list[dict[str, Any]]]:
    return lambda uow: uow.tokens.drivers_after(after, limit)


def _stored(key: str) -> Callable[[UnitOfWork], bool]:
    return lambda uow: uow.tokens.get(key) is not None


def _rekey(key: str, new_key: str) -> Callable[[UnitOfWork], bool]:
    return lambda uow: uow.tokens.rekey(key, new_key)


def _reseal(key: str, value_enc: str) -> Callable[[UnitOfWork], bool]:
    return lambda uow: uow.tokens.reseal(key, value_enc)


def _live_driver(uow: UnitOfWork, driver_id: str) -> None:
    row = uow.drivers.get(driver_id)
    if row is None or row["erased_at"] is not None:
        raise UnknownDriver(f"driver {driver_id!r} not found")
