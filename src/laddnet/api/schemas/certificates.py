"""Bodies of the certificate commands, and the certificate inventory of a station."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.commands.model import CommandName
from laddnet.domain.security.ca_certificates import CaCertificateType
from laddnet.domain.security.certificates import (
    CertificateUse,
    RevocationReason,
    StationCertificate,
)

_TYPE_DOC = (
    "csms_root (the CA our server certificate chains to), manufacturer_root (checks signed"
    " firmware); 2.0.1 also v2g_root and mo_root"
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstallCertificate(_Body):
    """Install a CA certificate on the station."""

    certificate_type: CaCertificateType = Field(description=_TYPE_DOC)
    certificate: str = Field(min_length=1, max_length=5500, description="PEM")


class DeleteCertificate(_Body):
    """Delete a CA certificate from the station, named by its hash data (as
    get-installed-certificate-ids lists it)."""

    hash_algorithm: Literal["SHA256", "SHA384", "SHA512"]
    issuer_name_hash: str = Field(min_length=1, max_length=128)
    issuer_key_hash: str = Field(min_length=1, max_length=128)
    serial_number: str = Field(min_length=1, max_length=40)


class GetInstalledCertificateIds(_Body):
    """List the CA certificates installed on the station."""

    certificate_type: CaCertificateType | None = Field(
        None, description=_TYPE_DOC + ". Required for 1.6; 2.0.1 without it lists all."
    )


CERTIFICATE_BODIES: dict[CommandName, type[BaseModel]] = {
    CommandName.INSTALL_CERTIFICATE: InstallCertificate,
    CommandName.DELETE_CERTIFICATE: DeleteCertificate,
    CommandName.GET_INSTALLED_CERTIFICATE_IDS: GetInstalledCertificateIds,
}


class StationCertificateOut(BaseModel):
    serial_number: str = Field(description="Hexadecimal, as OCPP's certificate hash data")
    use: CertificateUse
    subject: str
    issuer: str
    not_before: UtcDateTime
    not_after: UtcDateTime = Field(description="When it expires")
    fingerprint_sha256: str
    issued_at: UtcDateTime = Field(description="When Laddnet's station CA signed it")
    pem: str
    revoked_at: UtcDateTime | None = Field(
        None, description="When an operator revoked it (null: not revoked)"
    )
    revoked_reason: RevocationReason | None = Field(
        None, description="The RFC 5280 reason given (null: none given, or not revoked)"
    )

    @classmethod
    def from_domain(cls, cert: StationCertificate) -> StationCertificateOut:
        return cls(
            serial_number=cert.serial_number,
            use=cert.use,
            subject=cert.subject,
            issuer=cert.issuer,
            not_before=cert.not_before,
            not_after=cert.not_after,
            fingerprint_sha256=cert.fingerprint_sha256,
            issued_at=cert.issued_at,
            pem=cert.pem,
            revoked_at=cert.revoked_at,
            revoked_reason=cert.revoked_reason,
        )


class RevokeCertificateIn(_Body):
    """Why the certificate is revoked (optional)."""

    reason: RevocationReason | None = Field(
        None,
        description="An RFC 5280 reason: unspecified, keyCompromise, cACompromise,"
        " affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn or"
        " aACompromise",
    )
