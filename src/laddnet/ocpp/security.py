"""Station login (security profile 1): a chain of small checks run before the upgrade."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import unquote

from laddnet.domain.security.model import SecurityEventKind

PATH_PREFIX = "/ocpp/"
MAX_STATION_ID = 48


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    reason: str
    event: SecurityEventKind | None = None
    detail: str | None = None  # for the security event, if it says more than `reason`
    retry_after: int | None = None  # seconds, for a 429


def station_id_from_path(path: str) -> str | None:
    """`/ocpp/{station_id}` percent-decoded; None if the path is not a station endpoint."""
    path = path.split("?", 1)[0]
    if not path.startswith(PATH_PREFIX):
        return None
    raw = path[len(PATH_PREFIX) :]
    if not raw or "/" in raw:
        return None
    station_id = unquote(raw)
    if len(station_id) > MAX_STATION_ID or not station_id.isprintable():
        return None
    return station_id


def authorization_header(values: list[str]) -> str | None:
    """The one `Authorization` header of a request; raises `MalformedHeader` for several
    (one valid and one garbage must not leave us guessing which one counts)."""
    if len(values) > 1:
        raise MalformedHeader(f"{len(values)} Authorization headers; send exactly one")
    return values[0] if values else None


class MalformedHeader(ValueError):
    """A request header we cannot interpret unambiguously: a 400, never a 500."""


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Decode `Authorization: Basic ...`; None if absent or malformed."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, UnicodeDecodeError, non-ASCII input
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    return username, password


def choose_subprotocol(offered: list[str], supported: tuple[str, ...]) -> str | None:
    """The first subprotocol in the station's order of preference that we support."""
    for protocol in offered:
        if protocol in supported:
            return protocol
    return None


def offered_subprotocols(header_values: list[str]) -> list[str]:
    return [p.strip() for value in header_values for p in value.split(",") if p.strip()]
