"""A driver's id tokens (RFID card UIDs, app tokens): what is accepted as a token value.

A token linked to a driver identifies a person, so it is stored only encrypted, found by a
keyed hash; `HASHED_PREFIX` marks such a lookup key, and no token value may start with it (a
station presenting a stored key must not match it)."""

from __future__ import annotations

from enum import StrEnum

from laddnet.domain.errors import InvalidInput

HASHED_PREFIX = "#"
MAX_LENGTH = 36  # OCPP 2.0.1 IdToken (1.6 idTag is 20)
ERASED = "(erased)"  # replaces an erased driver's token in the sessions that stay


def cdr_pseudonym(random_hex: str) -> str:
    """What replaces an erased driver's token in their CDRs: one random pseudonym per erasure,
    so the CDRs of one (erased) customer still belong together for bookkeeping and disputes,
    while nothing, the token included, leads back to the person."""
    return f"(erased:{random_hex[:16]})"


class TokenKind(StrEnum):
    RFID = "rfid"
    APP = "app"


def validated_token(value: str) -> str:
    """The token value as stored and matched (exactly as the station sends it)."""
    if not value or len(value) > MAX_LENGTH:
        raise InvalidInput(f"value: 1 to {MAX_LENGTH} characters")
    if not value.isascii() or not value.isprintable() or value != value.strip():
        raise InvalidInput("value: printable ASCII without surrounding spaces")
    if value.startswith(HASHED_PREFIX):
        raise InvalidInput(f"value: must not start with {HASHED_PREFIX!r}")
    return value
