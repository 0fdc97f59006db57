"""Station certificates: what a certificate signing request must show before Laddnet's station
CA signs it, and the inventory record of a certificate a station holds.

The rules (OCPP 1.6 security whitepaper A00.FR.501-503 and A02, 2.0.1 A00.FR.5xx and A02):
RSA keys of at least 2048 bits, elliptic-curve keys of at least 224 bits; the subject CN is the
station's id (so the certificate can log the station in over profile 3); the CSR is signed
with the key it carries (proof the station holds that key).

An operator revokes a certificate in the inventory (by its serial number, with an RFC 5280
reason); a revoked certificate no longer logs its station in over profile 3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from laddnet.domain.errors import InvalidInput

MIN_RSA_BITS = 2048
MIN_EC_BITS = 224


class KeyType(StrEnum):
    RSA = "RSA"
    EC = "EC"
    OTHER = "other"


class CertificateUse(StrEnum):
    """What a certificate in the inventory is for."""

    STATION = "ChargingStationCertificate"  # issued to the station by Laddnet's station CA
    V2G = "V2GCertificate"


class RevocationReason(StrEnum):
    """RFC 5280 CRLReason names (section 5.3.1). certificateHold and removeFromCRL are left
    out: a revocation in Laddnet is final."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "keyCompromise"
    CA_COMPROMISE = "cACompromise"
    AFFILIATION_CHANGED = "affiliationChanged"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessationOfOperation"
    PRIVILEGE_WITHDRAWN = "privilegeWithdrawn"
    AA_COMPROMISE = "aACompromise"


_HEX = re.compile(r"[0-9a-fA-F]{1,64}")


def serial_number(given: str) -> str:
    """A serial number as the inventory writes it (lower-case hex without leading zeros);
    InvalidInput if it is not hexadecimal."""
    if _HEX.fullmatch(given) is None:
        raise InvalidInput("serial: a hexadecimal serial number (as the inventory lists it)")
    return format(int(given, 16), "x")


@dataclass(frozen=True, slots=True)
class CsrFacts:
    """What a CSR shows, read by the crypto adapter."""

    common_name: str | None
    organization: str | None
    key_type: KeyType
    key_bits: int
    signature_valid: bool


def csr_problem(facts: CsrFacts, station_id: str) -> str | None:
    """Why the CSR cannot be signed for this station, or None if it can."""
    if not facts.signature_valid:
        return "the CSR's signature does not verify with its own key"
    if facts.key_type is KeyType.RSA and facts.key_bits < MIN_RSA_BITS:
        return f"RSA key of {facts.key_bits} bits (at least {MIN_RSA_BITS})"
    if facts.key_type is KeyType.EC and facts.key_bits < MIN_EC_BITS:
        return f"elliptic-curve key of {facts.key_bits} bits (at least {MIN_EC_BITS})"
    if facts.key_type is KeyType.OTHER:
        return "the key is neither RSA nor elliptic-curve"
    if facts.common_name != station_id:
        return f"subject CN {facts.common_name!r} is not the station id {station_id!r}"
    return None


@dataclass(frozen=True, slots=True)
class StationCertificate:
    """A certificate Laddnet issued to a station (the certificate inventory)."""

    station_id: str
    serial_number: str  # hex, as OCPP's CertificateHashData writes it
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    use: CertificateUse
    issued_at: datetime
    pem: str
    id: int | None = None
    revoked_at: datetime | None = None  # None: not revoked
    revoked_reason: RevocationReason | None = None  # None: revoked without a reason given

    def expires_within(self, now: datetime, days: int) -> bool:
        return (self.not_after - now).total_seconds() < days * 86_400
