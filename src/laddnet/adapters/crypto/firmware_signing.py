"""Firmware signatures checked before a signed update is sent: the signing certificate must
be issued by one of the firmware-signing CA certificates in LADDNET_FIRMWARE_SIGNING_CA (read
at each check), directly or through intermediate CA certificates sent after it in the same
PEM text (each a CA valid now, within the path length its issuer allows), be valid now, and
not be restricted to other uses; the signature (base64, RSA PKCS#1 v1.5 or ECDSA, over
SHA-256 as the OCPP security whitepaper and 2.0.1 L01 use) must verify over the firmware's
SHA-256 digest.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.x509.oid import ExtendedKeyUsageOID

from laddnet.domain.errors import InvalidInput


class FirmwareSigningCa:
    def __init__(self, ca_file: str) -> None:
        self._ca_file = ca_file

    def _cas(self) -> list[x509.Certificate]:
        try:
            return x509.load_pem_x509_certificates(Path(self._ca_file).read_bytes())
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"the firmware signing CA cannot be read: {exc}") from None

    def verify(
        self, certificate_pem: str, signature_b64: str, sha256: bytes, now: datetime
    ) -> None:
        try:
            cert, *intermediates = x509.load_pem_x509_certificates(certificate_pem.encode())
        except ValueError:
            raise InvalidInput("signing_certificate: not a PEM certificate") from None
        if len(intermediates) > MAX_INTERMEDIATES or not _chains_to(
            cert, self._cas(), intermediates, now, 0
        ):
            raise InvalidInput(
                "signing_certificate: not issued by the configured firmware signing CA"
                " (directly, or through the CA certificates sent after it)"
            )
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise InvalidInput("signing_certificate: expired or not yet valid")
        _check_usage(cert)
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("signature: not base64") from None
        key = cert.public_key()
        prehashed = utils.Prehashed(hashes.SHA256())
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, sha256, padding.PKCS1v15(), prehashed)
            elif isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(signature, sha256, ec.ECDSA(prehashed))
            else:
                raise InvalidInput("signing_certificate: RSA or EC keys only")
        except InvalidSignature:
            raise InvalidInput(
                "signature: does not verify over the firmware's SHA-256 with the signing"
                " certificate"
            ) from None


MAX_INTERMEDIATES = 4


def _chains_to(
    cert: x509.Certificate,
    anchors: list[x509.Certificate],
    intermediates: list[x509.Certificate],
    now: datetime,
    below: int,
) -> bool:
    """Whether `cert` is issued by one of `anchors`, or by one of `intermediates` that in turn
    chains to them; `below`: how many intermediate CAs lie between `cert` and the leaf."""
    if any(_issued_by(cert, ca) and _allows(ca, below) for ca in anchors):
        return True
    return any(
        _usable_ca(ca, now)
        and _allows(ca, below)
        and _issued_by(cert, ca)
        and _chains_to(ca, anchors, [i for i in intermediates if i is not ca], now, below + 1)
        for ca in intermediates
    )


def _allows(ca: x509.Certificate, below: int) -> bool:
    """The CA's path length constraint allows `below` intermediate CAs under it."""
    try:
        constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return True  # a configured anchor without the extension: trusted as configured
    return constraints.path_length is None or below <= constraints.path_length


def _usable_ca(cert: x509.Certificate, now: datetime) -> bool:
    """An intermediate sent with the signing certificate: a CA, allowed to sign certificates,
    valid now."""
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        if not cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
            return False
    except x509.ExtensionNotFound:
        pass
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _check_usage(cert: x509.Certificate) -> None:
    """A certificate restricted to other uses (no digitalSignature key usage, or an extended
    key usage without code signing) does not sign firmware."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.digital_signature:
            raise InvalidInput("signing_certificate: its key usage excludes signatures")
    except x509.ExtensionNotFound:
        pass
    try:
        extended = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if ExtendedKeyUsageOID.CODE_SIGNING not in extended:
            raise InvalidInput("signing_certificate: its extended key usage excludes code signing")
    except x509.ExtensionNotFound:
        pass
