"""Hashing for station passwords and API keys: argon2id for secrets a person chose, a salted
HMAC-SHA256 for secrets Laddnet drew itself (ADR 0009)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    """argon2id at OWASP's minimum cost (19 MiB, t=2, p=1) unless told otherwise."""

    def __init__(self, time_cost: int = 2, memory_cost: int = 19_456, parallelism: int = 1) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def needs_rehash(self, hashed: str) -> bool:
        """Whether `hashed` was made with other parameters than this hasher's."""
        try:
            return self._hasher.check_needs_rehash(hashed)
        except InvalidHashError:
            return False

    def verify(self, hashed: str, secret: str) -> bool:
        try:
            return self._hasher.verify(hashed, secret)
        except (VerificationError, InvalidHashError):
            return False


DRAWN_PREFIX = "$hmac-sha256$"
DRAWN_MIN_LENGTH = 16  # Laddnet's drawn secrets: 16+ characters of 62 (95+ bits)


class StationSecretHasher:
    """argon2id (`hash`) for a secret whose strength nobody vouches for; a salted HMAC-SHA256
    (`hash_drawn`) for one Laddnet drew from the system's random source, which no guessing can
    reach with or without argon2's cost. `verify` tells them apart by the stored form."""

    def __init__(self, argon2: Argon2Hasher) -> None:
        self._argon2 = argon2

    def hash(self, secret: str) -> str:
        return self._argon2.hash(secret)

    def hash_drawn(self, secret: str) -> str:
        if len(secret) < DRAWN_MIN_LENGTH:
            raise ValueError(f"a drawn secret has at least {DRAWN_MIN_LENGTH} characters")
        salt = os.urandom(16)
        return DRAWN_PREFIX + _b64(salt) + "$" + _b64(_mac(salt, secret))

    def is_cheap(self, hashed: str) -> bool:
        """Whether verifying against `hashed` costs microseconds (no argon2)."""
        return hashed.startswith(DRAWN_PREFIX)

    def needs_rehash(self, hashed: str) -> bool:
        return not self.is_cheap(hashed) and self._argon2.needs_rehash(hashed)

    def verify(self, hashed: str, secret: str) -> bool:
        if not self.is_cheap(hashed):
            return self._argon2.verify(hashed, secret)
        salt, _, digest = hashed.removeprefix(DRAWN_PREFIX).partition("$")
        try:
            raw_salt, expected = (base64.urlsafe_b64decode(part + "==") for part in (salt, digest))
        except ValueError:  # a damaged hash verifies nothing
            return False
        return hmac.compare_digest(_mac(raw_salt, secret), expected)


def _mac(salt: bytes, secret: str) -> bytes:
    return hmac.new(salt, secret.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@cache
def _shipped_common_passwords() -> frozenset[str]:
    text = files("laddnet.adapters.crypto").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(_entries(text))


def load_common_passwords(extra_file: str | None = None) -> frozenset[str]:
    """The shipped list of common passwords, plus `extra_file`'s (one a line), lower-case."""
    shipped = _shipped_common_passwords()
    if extra_file is None:
        return shipped
    return shipped | frozenset(_entries(Path(extra_file).read_text("utf-8", errors="replace")))


def _entries(text: str) -> list[str]:
    return [line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"]
