"""Firmware integrity: where firmware may come from, and which versions are known to be
vulnerable."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from laddnet.domain.errors import InvalidInput

# Firmware statuses (1.6 security extension and 2.0.1) that say the station refused the
# firmware's signature or signing certificate: each is also a security event.
SECURITY_STATUSES = frozenset({"InvalidSignature", "InvalidCertificate", "RevokedCertificate"})

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_location(location: str, prefix: str | None) -> None:
    """InvalidInput unless `location` lies inside the repository `prefix` (None: anywhere).

    Scheme and host (with port) must be equal, and the location's path, normalized, must be
    the prefix's path or below it (a prefix ending without "/" is a directory all the same:
    `https://fw.example.com/rel` does not admit `https://fw.example.com/release-evil.bin`).
    Dot segments, encoded or not, and credentials in the location are refused."""
    if prefix is None:
        return
    where = f"location: firmware only from {prefix}"
    want, got = urlsplit(prefix), urlsplit(location)
    if got.username is not None or got.password is not None:
        raise InvalidInput(f"{where} (no credentials in the location)")
    if (got.scheme.lower(), got.netloc.lower()) != (want.scheme.lower(), want.netloc.lower()):
        raise InvalidInput(where)
    path = got.path or "/"
    if "%2e" in path.lower() or "%2f" in path.lower() or "\\" in path:
        raise InvalidInput(f"{where} (encoded dots, slashes or backslashes in the path)")
    segments = path.split("/")
    if any(s in (".", "..") for s in segments):
        raise InvalidInput(f"{where} (dot segments in the path)")
    base = posixpath.normpath(want.path or "/").rstrip("/") + "/"
    if not (posixpath.normpath(path).rstrip("/") + "/").startswith(base):
        raise InvalidInput(where)


def parse_sha256(value: str) -> bytes:
    """The 32 bytes of a hex SHA-256 digest (InvalidInput otherwise)."""
    text = value.strip().lower()
    if not _SHA256.match(text):
        raise InvalidInput("firmware_sha256: 64 hexadecimal digits")
    return bytes.fromhex(text)


@dataclass(frozen=True, slots=True)
class VulnerableVersion:
    """A firmware version marked vulnerable: by vendor, model and exact version."""

    id: int
    vendor: str
    model: str
    version: str
    reason: str
    marked_by: str
    marked_at: datetime


@dataclass(frozen=True, slots=True)
class FirmwareInventoryRow:
    """How many (not decommissioned) stations run one firmware version of one model."""

    vendor: str | None
    model: str | None
    version: str | None
    stations: int
    vulnerable: VulnerableVersion | None = None


@dataclass(frozen=True, slots=True)
class VulnerableStation:
    station_id: str
    site_id: str | None
    vendor: str
    model: str
    version: str
    connected: bool
    vulnerability: VulnerableVersion
