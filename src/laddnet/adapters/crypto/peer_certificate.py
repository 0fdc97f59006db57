"""A TLS peer's certificate as the certificate inventory names it: issuer (RFC 4514) and
serial number (lower-case hex), the same way the station CA writes them when it signs."""

from __future__ import annotations

from cryptography import x509


def issuer_and_serial(der: bytes) -> tuple[str, str] | None:
    """The certificate's (issuer, serial number); None if the bytes are no certificate."""
    try:
        cert = x509.load_der_x509_certificate(der)
        return cert.issuer.rfc4514_string(), format(cert.serial_number, "x")
    except ValueError:
        return None
