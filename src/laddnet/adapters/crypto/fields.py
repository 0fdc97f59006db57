"""Personal data encrypted field by field: AES-256-GCM under a data key, data keys wrapped by
the master key, and a keyed hash (HMAC-SHA256 under an index key) as the blind index.

A value is stored as `v1.<key id>.<base64url(nonce | ciphertext | tag)>`; the field's name is
the associated data, so a value cannot be moved to another field. The master key never reaches
the database; rotating it means wrapping the data and index keys again, not the data.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from laddnet.config import Settings
from laddnet.domain.errors import WrongMasterKey
from laddnet.domain.security.keys import KEY_BYTES, parse_master_key
from laddnet.ports import Clock, Database, UnitOfWork

log = logging.getLogger(__name__)
_WRAP_AAD = b"laddnet key wrap v1"


_STALE_CHECK_SECONDS = 1.0  # refresh_if_stale reads the stored keys at most this often


class MasterKeyMissing(Exception):
    """Production needs LADDNET_MASTER_KEY or LADDNET_MASTER_KEY_FILE."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def development_key_file(path: Path) -> bytes:
    """The key in `path`, created (mode 0600) if missing: development installs only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(_b64(secrets.token_bytes(KEY_BYTES)) + "\n")
        log.warning(
            "no LADDNET_MASTER_KEY: created a development master key in %s (keep it with the"
            " database; without it the personal data there cannot be read)",
            path,
        )
    return parse_master_key(path.read_text())


class AesGcmFieldCipher:
    def __init__(
        self, data_keys: dict[str, bytes], active: str, index_keys: bytes | list[bytes]
    ) -> None:
        self._keys = {key_id: AESGCM(key) for key_id, key in data_keys.items()}
        self._active = active
        # Newest first: the first computes new indexes; during an index key rotation the
        # older ones still find what was not recomputed yet.
        self._index_keys = [index_keys] if isinstance(index_keys, bytes) else list(index_keys)
        self._index_key = self._index_keys[0]

    def encrypt(self, field: str, value: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._keys[self._active].encrypt(nonce, value.encode(), field.encode())
        return f"v1.{self._active}.{_b64(nonce + sealed)}"

    def decrypt(self, field: str, token: str) -> str:
        version, key_id, body = token.split(".", 2)
        if version != "v1":
            raise ValueError(f"unknown ciphertext version {version!r}")
        raw = _unb64(body)
        return self._keys[key_id].decrypt(raw[:12], raw[12:], field.encode()).decode()

    @property
    def active(self) -> str:
        return self._active

    def knows(self, key_id: str) -> bool:
        return key_id in self._keys

    def key_of(self, token: str) -> str:
        """The id of the data key that encrypted `token`."""
        return token.split(".", 2)[1]

    def blind_index(self, field: str, value: str) -> str:
        message = field.encode() + b"\0" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()

    def blind_indexes(self, field: str, value: str) -> list[str]:
        """The index under every index key, newest first (one while no rotation is running)."""
        message = field.encode() + b"\0" + value.encode()
        return [hmac.new(k, message, hashlib.sha256).hexdigest() for k in self._index_keys]


class DatabaseKeyRing:
    """Loads (creating on first use) the data and index keys, unwrapped with the master key."""

    def __init__(self, db: Database, clock: Clock, master: bytes | Path) -> None:
        self._db = db
        self._clock = clock
        self._master_source = master
        self._cipher: AesGcmFieldCipher | None = None
        self._index_ids: list[str] = []
        self._checked_at = float("-inf")
        self._lock = asyncio.Lock()

    def _master(self) -> AESGCM:
        source = self._master_source
        key = source if isinstance(source, bytes) else development_key_file(source)
        return AESGCM(key)

    async def cipher(self) -> AesGcmFieldCipher:
        if self._cipher is not None:
            return self._cipher
        async with self._lock:
            if self._cipher is None:
                self._cipher = await self._load()
        return self._cipher

    async def reload(self) -> AesGcmFieldCipher:
        """Read the keys again (another process rotated the data key)."""
        async with self._lock:
            self._cipher = await self._load()
        return self._cipher

    async def rotate_data_key(self) -> str:
        """A new data key that encrypts from now on (older ones still decrypt); its id."""
        cipher = await self.cipher()
        master = await asyncio.to_thread(self._master)
        key_id = f"data-{_serial(cipher.active) + 1}"
        nonce = secrets.token_bytes(12)
        wrapped = nonce + master.encrypt(nonce, secrets.token_bytes(KEY_BYTES), _WRAP_AAD)
        await self._db.write(_add_key(key_id, "data", _b64(wrapped), self._clock.now()))
        await self.reload()
        return key_id

    async def rewrap(self, new_master: bytes) -> int:
        """Wrap every data and index key with `new_master` instead (one transaction); the data
        itself stays as it is. Returns how many keys were wrapped again."""
        old = await asyncio.to_thread(self._master)
        new = AESGCM(new_master)
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        wrapped: dict[str, str] = {}
        for row in rows:
            raw = _unb64(row["wrapped"])
            try:
                key = old.decrypt(raw[:12], raw[12:], _WRAP_AAD)
            except InvalidTag:
                raise WrongMasterKey(
                    "the current master key does not open the stored keys"
                ) from None
            nonce = secrets.token_bytes(12)
            wrapped[row["id"]] = _b64(nonce + new.encrypt(nonce, key, _WRAP_AAD))
        await self._db.write(lambda uow: uow.crypto_keys.rewrap(wrapped))
        self._master_source = new_master
        return len(wrapped)

    async def rotate_index_key(self) -> str:
        """A new index key that computes indexes from now on; the older ones keep finding
        until `retire_index_keys` (after every index was recomputed). Its id."""
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        newest = max((r["id"] for r in rows if r["purpose"] == "index"), key=_serial)
        master = await asyncio.to_thread(self._master)
        key_id = f"index-{_serial(newest) + 1}"
        nonce = secrets.token_bytes(12)
        wrapped = nonce + master.encrypt(nonce, secrets.token_bytes(KEY_BYTES), _WRAP_AAD)
        await self._db.write(_add_key(key_id, "index", _b64(wrapped), self._clock.now()))
        await self.reload()
        return key_id

    async def retire_index_keys(self) -> int:
        """Drop every index key but the newest; how many."""
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        ids = sorted((r["id"] for r in rows if r["purpose"] == "index"), key=_serial)
        retired = ids[:-1]
        await self._db.write(lambda uow: uow.crypto_keys.delete(retired))
        await self.reload()
        return len(retired)

    async def refresh_if_stale(self) -> bool:
        """Read the keys again if the stored index keys are not the ones loaded (another
        process rotated them); True if it did. For lookups that found nothing: at most one
        read of the keys a second, so a flood of unknown tokens costs no more reads."""
        now = self._clock.now().timestamp()
        if now - self._checked_at < _STALE_CHECK_SECONDS:
            return False
        self._checked_at = now
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        stored = sorted(r["id"] for r in rows if r["purpose"] == "index")
        if self._cipher is not None and stored == self._index_ids:
            return False
        await self.reload()
        return True

    async def _load(self) -> AesGcmFieldCipher:
        master = await asyncio.to_thread(self._master)
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        wanted = {"data": "data-1", "index": "index-1"}
        for purpose, key_id in wanted.items():
            if not any(r["purpose"] == purpose for r in rows):
                nonce = secrets.token_bytes(12)
                wrapped = nonce + master.encrypt(nonce, secrets.token_bytes(KEY_BYTES), _WRAP_AAD)
                await self._db.write(_add_key(key_id, purpose, _b64(wrapped), self._clock.now()))
        rows = await self._db.read(lambda uow: uow.crypto_keys.all())
        keys = {}
        for row in rows:
            raw = _unb64(row["wrapped"])
            try:
                keys[row["id"]] = (row["purpose"], master.decrypt(raw[:12], raw[12:], _WRAP_AAD))
            except InvalidTag:
                raise WrongMasterKey(
                    "the master key does not open the keys of personal data in this database"
                    " (check LADDNET_MASTER_KEY / LADDNET_MASTER_KEY_FILE)"
                ) from None
        data = {k: v for k, (purpose, v) in keys.items() if purpose == "data"}
        active = max(data, key=_serial)  # the newest data key encrypts
        index_ids = sorted((k for k, (p, _) in keys.items() if p == "index"), key=_serial)
        self._index_ids = sorted(index_ids)
        return AesGcmFieldCipher(data, active, [keys[k][1] for k in reversed(index_ids)])


def master_key_source(settings: Settings) -> bytes | Path:
    """The configured master key, or (development only) the key file to create and use.

    Raises MasterKeyMissing in production without a configured key, and ValueError for a key
    that is not 32 bytes."""
    if settings.master_key is not None:
        return parse_master_key(settings.master_key.get_secret_value())
    if settings.master_key_file:
        return parse_master_key(Path(settings.master_key_file).read_text())
    if settings.env == "production":
        raise MasterKeyMissing(
            "LADDNET_ENV=production needs LADDNET_MASTER_KEY or LADDNET_MASTER_KEY_FILE"
        )
    if settings.is_sqlite:
        db_path = settings.database_url.split(":///", 1)[-1]
        if db_path and db_path != ":memory:":
            return Path(db_path).resolve().parent / "laddnet-master.key"
    return Path("laddnet-master.key").resolve()


def _add_key(
    key_id: str, purpose: str, wrapped: str, now: datetime
) -> Callable[[UnitOfWork], bool]:
    return lambda uow: uow.crypto_keys.add(key_id, purpose, wrapped, now)


def _serial(key_id: str) -> int:
    """The number of a data or index key id (data-1, data-2, ..., index-1, ...)."""
    return int(key_id.rsplit("-", 1)[1])
