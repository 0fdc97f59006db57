"""Laddnet's station CA: reads station CSRs and signs station certificates with a CA
certificate and key from files (made by `laddnet ca init`, or an external CA's).

The files are read at each signing, so a renewed CA certificate or key needs no restart. The
CA also signs the revocation list (CRL) of the certificates it issued that the inventory lists
as revoked (`laddnet ca crl`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.certificates import (
    CertificateUse,
    CsrFacts,
    KeyType,
    StationCertificate,
)

_BACKDATE = timedelta(minutes=5)  # stations whose clocks run a little behind accept it at once


@dataclass(frozen=True, slots=True)
class CaFiles:
    cert: str
    key: str


def init_ca(directory: Path, name: str, now: datetime, days: int = 3650) -> CaFiles:
    """Create a station CA (elliptic-curve P-256) in `directory`: `station-ca.pem` (give it to
    LADDNET_STATION_CA and LADDNET_CA_CERT) and `station-ca.key` (LADDNET_CA_KEY, mode 0600).
    Refuses to overwrite an existing one."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "station-ca.pem", directory / "station-ca.key"
    if cert_path.exists() or key_path.exists():
        raise InvalidInput(f"{directory} already holds a station CA; remove it first")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return CaFiles(str(cert_path), str(key_path))


def inspect_csr(pem: str) -> CsrFacts:
    """What the CSR shows; InvalidInput if it is no PEM CSR at all."""
    try:
        csr = x509.load_pem_x509_csr(pem.encode())
        key = csr.public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidInput("csr: not a PEM certificate signing request") from None
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = KeyType.RSA, key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = KeyType.EC, key.curve.key_size
    else:
        key_type, bits = KeyType.OTHER, 0
    return CsrFacts(
        common_name=_attribute(csr.subject, NameOID.COMMON_NAME),
        organization=_attribute(csr.subject, NameOID.ORGANIZATION_NAME),
        key_type=key_type,
        key_bits=bits,
        signature_valid=_signature_valid(csr),
    )


class StationCa:
    """Signs station certificates with the CA in `files` (implements CertificateAuthority)."""

    def __init__(self, files: CaFiles, days: int) -> None:
        self._files = files
        self._days = days

    def inspect(self, csr_pem: str) -> CsrFacts:
        return inspect_csr(csr_pem)

    def _ca(self) -> tuple[bytes, x509.Certificate, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey]:
        ca_pem = Path(self._files.cert).read_bytes()
        ca_key = serialization.load_pem_private_key(Path(self._files.key).read_bytes(), None)
        if not isinstance(ca_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise InvalidInput("the station CA key must be RSA or elliptic-curve")
        return ca_pem, x509.load_pem_x509_certificate(ca_pem), ca_key

    def revocation_list(
        self, revoked: list[StationCertificate], now: datetime, days: int
    ) -> tuple[str, int]:
        """The CRL (PEM) of the certificates in `revoked` that this CA issued, valid for `days`
        (next update), each with its revocation time and reason; and how many it lists. Its CRL
        number is the time in seconds: a newer list has a larger one."""
        _, ca_cert, ca_key = self._ca()
        issuer = ca_cert.subject.rfc4514_string()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca_cert.subject)
            .last_update(now)
            .next_update(now + timedelta(days=days))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        listed = 0
        for cert in revoked:
            if cert.issuer != issuer or cert.revoked_at is None:
                continue  # another CA's (before a CA change), or not revoked
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(int(cert.serial_number, 16))
                .revocation_date(cert.revoked_at)
            )
            if cert.revoked_reason is not None:
                reason = x509.ReasonFlags(cert.revoked_reason.value)
                entry = entry.add_extension(x509.CRLReason(reason), critical=False)
            builder = builder.add_revoked_certificate(entry.build())
            listed += 1
        crl = builder.sign(ca_key, hashes.SHA256())
        return crl.public_bytes(serialization.Encoding.PEM).decode(), listed

    def sign(self, station_id: str, csr_pem: str, now: datetime) -> StationCertificate:
        """A station certificate for the (already checked) CSR: its subject and key, our CA as
        issuer, client-auth usage. The PEM is the certificate followed by the CA's."""
        ca_pem, ca_cert, ca_key = self._ca()
        csr = x509.load_pem_x509_csr(csr_pem.encode())
        cert = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(ca_cert.subject)
            .public_key(csr.public_key())  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE)
            .not_valid_after(min(now + timedelta(days=self._days), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        pem = cert.public_bytes(serialization.Encoding.PEM).decode() + ca_pem.decode()
        return StationCertificate(
            station_id=station_id,
            serial_number=format(cert.serial_number, "x"),
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            fingerprint_sha256=hashlib.sha256(der).hexdigest(),
            use=CertificateUse.STATION,
            issued_at=now,
            pem=pem,
        )


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    found = name.get_attributes_for_oid(oid)
    return str(found[0].value) if found else None


def _signature_valid(csr: x509.CertificateSigningRequest) -> bool:
    try:
        return csr.is_signature_valid
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=not ca,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue_server_certificate(
    ca: CaFiles,
    hosts: list[str],
    directory: Path,
    now: datetime,
    days: int = 365,
    *,
    rsa_key: bool = False,
) -> tuple[str, str]:
    """A gateway server certificate for `hosts` (names or IP addresses) signed by the CA in
    `ca`, written as `server.pem` (with the CA) and `server.key` (0600) in `directory`, or
    `server-rsa.*` with an RSA key instead of P-256: for a demo or a test installation;
    production gateways use a certificate of the operator's PKI."""
    ca_cert = x509.load_pem_x509_certificate(Path(ca.cert).read_bytes())
    ca_key = serialization.load_pem_private_key(Path(ca.key).read_bytes(), None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise InvalidInput("the CA key must be RSA or elliptic-curve")
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(65537, 2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(min(now + timedelta(days=days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    name = "server-rsa" if rsa_key else "server"
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    pem = cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(
        serialization.Encoding.PEM
    )
    cert_path.write_bytes(pem)
    _write_key(key_path, key)
    return str(cert_path), str(key_path)


def new_station_key(path: Path) -> str:
    """A station's new P-256 key, written to `path` (0600); its CSR (PEM) for `station_id` is
    made by `csr_for`."""
    key = ec.generate_private_key(ec.SECP256R1())
    _write_key(path, key)
    return str(path)


def csr_for(station_id: str, key_path: str) -> str:
    """A certificate signing request for `station_id` with the key in `key_path`."""
    key = serialization.load_pem_private_key(Path(key_path).read_bytes(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise InvalidInput("the station key must be RSA or elliptic-curve")
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, station_id)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
