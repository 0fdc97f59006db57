"""Ports: the station CA and the certificate inventory."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from laddnet.domain.security.certificates import (
    CsrFacts,
    RevocationReason,
    StationCertificate,
)


class CertificateAuthority(Protocol):
    def inspect(self, csr_pem: str) -> CsrFacts: ...
    def sign(self, station_id: str, csr_pem: str, now: datetime) -> StationCertificate: ...
    def revocation_list(
        self, revoked: list[StationCertificate], now: datetime, days: int
    ) -> tuple[str, int]: ...


class CertificateInventory(Protocol):
    def add(self, cert: StationCertificate) -> int: ...
    def of_station(self, station_id: str) -> list[StationCertificate]: ...
    def revoke(
        self, station_id: str, serial_number: str, reason: RevocationReason | None, now: datetime
    ) -> tuple[list[StationCertificate], int]: ...
    def is_revoked(self, issuer: str, serial_number: str) -> bool: ...
    def revoked(self) -> list[StationCertificate]: ...
