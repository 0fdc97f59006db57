"""Drivers and their personal data: stored encrypted field by field, found by e-mail through a
blind index, exported (GDPR art. 15/20) and erased (art. 17) on request; every access that
changes or reveals a whole record is audited, never with the data itself."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from laddnet.domain.drivers.model import (
    DETAIL_FIELDS,
    PERSONAL_FIELDS,
    Driver,
    DriverDetails,
    UnknownDriver,
    validated,
)
from laddnet.domain.drivers.tokens import ERASED, cdr_pseudonym
from laddnet.domain.errors import Conflict
from laddnet.ports import Clock, Database, FieldCipher, KeyRing, UnitOfWork
from laddnet.services.handlers import driver_tokens as tokens_of


class DriverService:
    def __init__(self, db: Database, clock: Clock, keys: KeyRing) -> None:
        self._db = db
        self._clock = clock
        self._keys = keys

    async def create(
        self, details: DriverDetails, *, actor: str, source: str | None = None
    ) -> Driver:
        details = validated(details)
        if details.email and await self.by_email(details.email) is not None:
            raise Conflict("a driver with this e-mail exists already")
        cipher = await self._keys.cipher()
        now = self._clock.now()
        driver = Driver("d" + secrets.token_hex(8), details, now, now)
        row = {"id": driver.id, "created_at": now, "updated_at": now, "erased_at": None}
        row |= _sealed(cipher, details)

        def add(uow: UnitOfWork) -> None:
            uow.drivers.add(row)
            uow.audit.record(actor, "driver.created", "driver", driver.id, {}, now, source=source)

        await self._db.write(add)
        return driver

    async def get(self, driver_id: str) -> Driver:
        row = await self._db.read(lambda uow: uow.drivers.get(driver_id))
        if row is None or row["erased_at"] is not None:
            raise UnknownDriver(f"driver {driver_id!r} not found")
        return _opened(await self._cipher_for([row]), row)

    async def _cipher_for(self, rows: list[dict[str, Any]]) -> FieldCipher:
        """The cipher, read again if a row was encrypted under a data key that another
        process made after this one loaded its keys (rotation without a restart)."""
        cipher = await self._keys.cipher()
        used = {
            cipher.key_of(row[f"{f}_enc"])
            for row in rows
            for f in PERSONAL_FIELDS
            if row[f"{f}_enc"]
        }
        if not all(cipher.knows(key_id) for key_id in used):
            cipher = await self._keys.reload()
        return cipher

    async def rotate_data_key(self, *, actor: str, source: str | None = None) -> tuple[str, int]:
        """A new data key, then every driver's fields and id tokens encrypted again under it (in
        batches, while everything keeps running). The new key's id and the drivers re-encrypted."""
        key_id = await self._keys.rotate_data_key()
        now = self._clock.now()
        await self._db.write(
            lambda uow: uow.audit.record(
                actor, "keys.data_key_rotated", "crypto_key", key_id, {}, now, source=source
            )
        )
        count = await self.reencrypt()
        await tokens_of.DriverTokenService(self._db, self._clock, self._keys).reencrypt()
        return key_id, count

    async def rotate_master_key(
        self, new_master: bytes, *, actor: str, source: str | None = None
    ) -> int:
        """Wrap the data and index keys with a new master key (the data stays as it is);
        processes still running keep their keys and need the new master key at restart."""
        count = await self._keys.rewrap(new_master)
        now = self._clock.now()
        await self._db.write(
            lambda uow: uow.audit.record(
                actor,
                "keys.master_key_rotated",
                "crypto_key",
                None,
                {"keys": count},
                now,
                source=source,
            )
        )
        return count

    async def reencrypt(self, batch: int = 200) -> int:
        """Encrypt again, under the newest data key, every field encrypted under an older one."""
        cipher = await self._keys.cipher()
        done, after = 0, ""
        while True:
            rows = await self._db.read(_rows_after(after, batch))
            if not rows:
                return done
            for row in rows:
                stale = [
                    f for f in PERSONAL_FIELDS
                    if row[f"{f}_enc"] and cipher.key_of(row[f"{f}_enc"]) != cipher.active
                ]  # fmt: skip
                if stale:
                    values = {
                        f"{f}_enc": cipher.encrypt(f, cipher.decrypt(f, row[f"{f}_enc"]))
                        for f in stale
                    }
                    await self._db.write(_update_row(row["id"], values))
                    done += 1
            after = rows[-1]["id"]

    async def by_email(self, email: str) -> Driver | None:
        """The driver of an e-mail: its index under the newest index key, then (while a
        rotation recomputes them) the older ones; with nothing found, once more if another
        process rotated the index key meanwhile."""
        for attempt in range(2):
            cipher = await self._keys.cipher()
            for index in cipher.blind_indexes("email", email.strip().lower()):
                row = await self._db.read(_by_index(index))
                if row:
                    return _opened(await self._cipher_for([row]), row)
            if attempt or not await self._keys.refresh_if_stale():
                return None
        return None

    async def rotate_index_key(
        self, *, actor: str, source: str | None = None
    ) -> tuple[str, int, int]:
        """A new index (blind index) key, then every driver's e-mail index and id-token key
        computed again under it in batches, while lookups try the new key, then the old; then
        the old key is dropped. The new key's id, drivers and tokens re-indexed."""
        key_id = await self._keys.rotate_index_key()
        drivers = await self.reindex()
        tokens, _ = await tokens_of.DriverTokenService(self._db, self._clock, self._keys).reindex()
        retired = await self._keys.retire_index_keys()
        now = self._clock.now()
        detail = {"drivers": drivers, "tokens": tokens, "retired": retired}
        await self._db.write(
            lambda uow: uow.audit.record(
                actor, "keys.index_key_rotated", "crypto_key", key_id, detail, now, source=source
            )
        )
        return key_id, drivers, tokens

    async def reindex(self, batch: int = 200) -> int:
        """Compute every driver's e-mail index again under the newest index key."""
        cipher = await self._keys.cipher()
        done, after = 0, ""
        while True:
            rows = await self._db.read(_rows_after(after, batch))
            if not rows:
                return done
            for row in rows:
                if row["email_enc"] is None:
                    continue
                email = cipher.decrypt("email", row["email_enc"])
                index = cipher.blind_index("email", email)
                if index != row["email_index"]:
                    await self._db.write(_update_row(row["id"], {"email_index": index}))
                    done += 1
            after = rows[-1]["id"]

    async def page(self, limit: int, offset: int) -> tuple[list[Driver], int]:
        rows, total = await self._db.read(lambda uow: uow.drivers.page(limit, offset))
        cipher = await self._cipher_for(rows)
        return [_opened(cipher, r) for r in rows], total

    async def update(
        self, driver_id: str, changes: dict[str, Any], *, actor: str, source: str | None = None
    ) -> Driver:
        unknown = set(changes) - DETAIL_FIELDS
        if unknown:
            raise ValueError(f"not driver fields: {sorted(unknown)}")  # a caller's bug
        current = await self.get(driver_id)
        details = validated(replace(current.details, **changes))
        cipher = await self._keys.cipher()
        now = self._clock.now()
        values = _sealed(cipher, details) | {"updated_at": now}

        def apply(uow: UnitOfWork) -> None:
            uow.drivers.update(driver_id, values)
            changed = {"fields": sorted(changes)}  # which fields, never their values
            uow.audit.record(actor, "driver.updated", "driver", driver_id, changed, now,
                             source=source)  # fmt: skip

        await self._db.write(apply)
        return replace(current, details=details, updated_at=now)

    async def export(
        self, driver_id: str, *, actor: str, source: str | None = None
    ) -> dict[str, Any]:
        """Everything Laddnet holds about the driver, as JSON-ready data; audited."""
        driver = await self.get(driver_id)
        rows = await self._db.read(lambda uow: uow.tokens.for_driver(driver_id))
        cipher = await tokens_of.cipher_for(self._keys, rows)
        tokens = [tokens_of.opened(cipher, r) for r in rows]
        now = self._clock.now()
        await self._db.write(
            lambda uow: uow.audit.record(
                actor, "driver.exported", "driver", driver_id, {}, now, source=source
            )
        )
        return {
            "id": driver.id,
            **asdict(driver.details),
            "created_at": driver.created_at.isoformat(),
            "updated_at": driver.updated_at.isoformat(),
            "id_tokens": [
                {"value": t.value, "kind": t.kind, "created_at": t.created_at.isoformat()}
                for t in tokens
            ],
            "exported_at": now.isoformat(),
        }

    async def erase(self, driver_id: str, *, actor: str, source: str | None = None) -> None:
        """Remove the personal data and the id tokens; the row (and what refers to it) stays,
        anonymized: sessions started with the driver's tokens name `ERASED` instead, their CDRs
        a pseudonym (docs/security.md, "Erasure and bookkeeping")."""
        await self.get(driver_id)
        rows = await self._db.read(lambda uow: uow.tokens.for_driver(driver_id))
        cipher = await tokens_of.cipher_for(self._keys, rows)
        presented = [tokens_of.opened(cipher, r).value for r in rows]
        now = self._clock.now()
        values: dict[str, Any] = {f"{f}_enc": None for f in PERSONAL_FIELDS}
        values |= {"email_index": None, "language": None, "erased_at": now, "updated_at": now}
        pseudonym = cdr_pseudonym(secrets.token_hex(8))

        def apply(uow: UnitOfWork) -> None:
            uow.drivers.update(driver_id, values)
            removed = uow.tokens.delete_for_driver(driver_id)  # stations no longer accept them
            uow.driver_logins.delete(driver_id)  # the driver's own login ends with the data
            uow.login_sessions.revoke_all(f"drv:{driver_id}", now)
            # The sessions stay (billing, statistics), no longer naming the driver's tokens.
            anonymized = uow.sessions.anonymize_tokens(presented, ERASED)
            uow.reservations.anonymize_tokens(presented, ERASED)
            # CDRs are bookkeeping records (kept for years): amounts as issued, the token
            # replaced by a pseudonym, the same for all of this driver's CDRs.
            pseudonymized = uow.cdrs.pseudonymize_tokens(presented, pseudonym)
            counts = {"tokens_removed": removed, "sessions_anonymized": anonymized}
            if pseudonymized:
                counts["cdrs_pseudonymized"] = pseudonymized
            uow.audit.record(actor, "driver.erased", "driver", driver_id, counts, now,
                             source=source)  # fmt: skip

        await self._db.write(apply)


def _sealed(cipher: FieldCipher, details: DriverDetails) -> dict[str, Any]:
    values: dict[str, Any] = {"language": details.language}
    for name in PERSONAL_FIELDS:
        value = getattr(details, name)
        values[f"{name}_enc"] = None if value is None else cipher.encrypt(name, value)
    values["email_index"] = cipher.blind_index("email", details.email) if details.email else None
    return values


def _opened(cipher: FieldCipher, row: dict[str, Any]) -> Driver:
    plain = {
        name: None if row[f"{name}_enc"] is None else cipher.decrypt(name, row[f"{name}_enc"])
        for name in PERSONAL_FIELDS
    }
    details = DriverDetails(
        name=plain["name"] or "",
        email=plain["email"],
        phone=plain["phone"],
        address=plain["address"],
        language=row["language"],
    )
    return Driver(row["id"], details, row["created_at"], row["updated_at"], row["erased_at"])


def _by_index(index: str) -> Callable[[UnitOfWork], dict[str, Any] | None]:
    return lambda uow: uow.drivers.by_email_index(index)


def _rows_after(after: str, limit: int) -> Callable[[UnitOfWork], list[dict[str, Any]]]:
    return lambda uow: uow.drivers.after(after, limit)


def _update_row(driver_id: str, values: dict[str, Any]) -> Callable[[UnitOfWork], None]:
    return lambda uow: uow.drivers.update(driver_id, values)
