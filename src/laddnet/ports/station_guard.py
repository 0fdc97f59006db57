"""Ports: site allow-lists, networks seen per station, the firmware inventory, and the check
of a firmware signature."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from laddnet.domain.security.firmware import (
    FirmwareInventoryRow,
    VulnerableStation,
    VulnerableVersion,
)


class StationGuard(Protocol):
    def site_networks(self, site_id: str) -> tuple[str, ...] | None: ...
    def set_site_networks(
        self, site_id: str, networks: tuple[str, ...] | None, now: datetime
    ) -> None: ...
    def note_network(self, station_id: str, network: str, now: datetime) -> str: ...
    def has_network(self, station_id: str, network: str) -> bool: ...
    def seen_networks(self, station_id: str) -> list[str]: ...
    def networks_of(self, station_id: str) -> list[tuple[str, datetime, datetime]]: ...
    def vulnerable_versions(self) -> list[VulnerableVersion]: ...
    def mark_vulnerable(
        self, vendor: str, model: str, version: str, reason: str, actor: str, now: datetime
    ) -> VulnerableVersion: ...
    def unmark_vulnerable(self, vulnerability_id: int) -> VulnerableVersion | None: ...
    def inventory(self, sites: frozenset[str] | None = None) -> list[FirmwareInventoryRow]: ...
    def vulnerable_stations(
        self, sites: frozenset[str] | None = None
    ) -> list[VulnerableStation]: ...


class FirmwareSignatureCheck(Protocol):
    def verify(
        self, certificate_pem: str, signature_b64: str, sha256: bytes, now: datetime
    ) -> None:
        """Return if the signing certificate was issued by a configured firmware-signing CA,
        is valid at `now` and the signature verifies over the firmware's SHA-256 digest;
        raise InvalidInput saying what is wrong otherwise."""
        ...
