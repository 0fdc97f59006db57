"""argon2id hashing for station passwords and API keys."""

from __future__ import annotations

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
