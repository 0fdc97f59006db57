"""A simulated station's certificate store: certificates signed for it (CertificateSigned),
CA certificates installed on it, listed and deleted by their OCPP hash data."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from laddnet.sim.answers import Answer, Handler

if TYPE_CHECKING:
    from laddnet.sim.responder import Responder


def hash_data(pem: str) -> dict[str, str]:
    """OCPP CertificateHashData of a PEM certificate (SHA256)."""
    cert = x509.load_pem_x509_certificate(pem.encode())
    key = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "hashAlgorithm": "SHA256",
        "issuerNameHash": hashlib.sha256(cert.issuer.public_bytes()).hexdigest(),
        "issuerKeyHash": hashlib.sha256(key).hexdigest(),
        "serialNumber": format(cert.serial_number, "x"),
    }


def _signed(r: Responder, p: dict[str, Any]) -> Answer:
    r.signed_chains.append(p["certificateChain"])
    return Answer({"status": "Accepted"})


def _install(r: Responder, p: dict[str, Any]) -> Answer:
    r.installed_certificates.append((p["certificateType"], p["certificate"]))
    return Answer({"status": "Accepted"})


def _delete(r: Responder, p: dict[str, Any]) -> Answer:
    wanted = p["certificateHashData"]
    kept = [(t, pem) for t, pem in r.installed_certificates if hash_data(pem) != wanted]
    found = len(kept) < len(r.installed_certificates)
    r.installed_certificates[:] = kept
    return Answer({"status": "Accepted" if found else "NotFound"})


def _ids_v16(r: Responder, p: dict[str, Any]) -> Answer:
    found = [hash_data(pem) for t, pem in r.installed_certificates if t == p["certificateType"]]
    if not found:
        return Answer({"status": "NotFound"})
    return Answer({"status": "Accepted", "certificateHashData": found})


def _ids_v201(r: Responder, p: dict[str, Any]) -> Answer:
    types = p.get("certificateType")
    chains = [
        {"certificateType": t, "certificateHashData": hash_data(pem)}
        for t, pem in r.installed_certificates
        if not types or t in types
    ]
    if not chains:
        return Answer({"status": "NotFound"})
    return Answer({"status": "Accepted", "certificateHashDataChain": chains})


V16: dict[str, Handler] = {
    "CertificateSigned": _signed,
    "InstallCertificate": _install,
    "DeleteCertificate": _delete,
    "GetInstalledCertificateIds": _ids_v16,
}
V201: dict[str, Handler] = {**V16, "GetInstalledCertificateIds": _ids_v201}
