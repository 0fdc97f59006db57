"""install-certificate, get-installed-certificate-ids and delete-certificate through the API to
real stations of both versions, and the certificate inventory endpoint, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from laddnet.adapters.crypto.station_ca import StationCa, init_ca
from laddnet.domain.ids import StationId
from laddnet.sim.certificates import hash_data
from tests.integration.commands.conftest import Live
from tests.pki import make_ca

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_csms_root_installed_listed_and_deleted(live: Live, version: str) -> None:
    station = await live.station("CP-1", version)
    root = make_ca("Our CSMS root").pem().decode()
    base = "/api/v1/stations/CP-1/commands"
    try:
        installed = await live.api.post(
            f"{base}/install-certificate",
            json={"certificate_type": "csms_root", "certificate": root},
        )
        assert installed.status_code == 200, installed.text
        assert installed.json()["status"] == "Accepted"
        wire_type = "CentralSystemRootCertificate" if version == "1.6" else "CSMSRootCertificate"
        assert station.responder.installed_certificates == [(wire_type, root)]

        listed = await live.api.post(
            f"{base}/get-installed-certificate-ids", json={"certificate_type": "csms_root"}
        )
        assert listed.json()["status"] == "Accepted"
        response = listed.json()["response"]
        ids = (
            response["certificateHashData"]
            if version == "1.6"
            else [c["certificateHashData"] for c in response["certificateHashDataChain"]]
        )
        assert ids == [hash_data(root)]

        h = ids[0]
        body = {
            "hash_algorithm": h["hashAlgorithm"],
            "issuer_name_hash": h["issuerNameHash"],
            "issuer_key_hash": h["issuerKeyHash"],
            "serial_number": h["serialNumber"],
        }
        deleted = await live.api.post(f"{base}/delete-certificate", json=body)
        assert deleted.json()["status"] == "Accepted"
        assert station.responder.installed_certificates == []
        again = await live.api.post(f"{base}/delete-certificate", json=body)
        assert again.json()["status"] == "NotFound"
    finally:
        await station.close()


async def test_1_6_has_no_v2g_roots_and_needs_a_type_to_list(live: Live) -> None:
    station = await live.station("CP-1", "1.6")
    base = "/api/v1/stations/CP-1/commands"
    try:
        v2g = await live.api.post(
            f"{base}/install-certificate",
            json={"certificate_type": "v2g_root", "certificate": "x"},
        )
        untyped = await live.api.post(f"{base}/get-installed-certificate-ids", json={})
    finally:
        await station.close()
    assert v2g.status_code == 422
    assert "csms_root and manufacturer_root" in v2g.text
    assert untyped.status_code == 422


async def test_a_viewer_cannot_install_certificates(live: Live) -> None:
    refused = await live.viewer.post(
        "/api/v1/stations/CP-1/commands/install-certificate",
        json={"certificate_type": "csms_root", "certificate": "x"},
    )
    assert refused.status_code == 403


async def test_inventory_lists_issued_certificates_with_expiry(live: Live, tmp_path: Path) -> None:
    files = init_ca(tmp_path, "Inventory CA", NOW)
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CP-2")]))
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )
    cert = StationCa(files, days=30).sign("CP-2", csr, NOW)
    await live.container.database.write(lambda uow: uow.certificates.add(cert))

    listed = await live.viewer.get("/api/v1/stations/CP-2/certificates")
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["serial_number"] == cert.serial_number
    assert item["subject"] == "CN=CP-2"
    assert item["not_after"].startswith("2027-01-05")  # 30 days after NOW
    assert (await live.viewer.get("/api/v1/stations/CP-1/certificates")).json() == {"items": []}
    missing = await live.viewer.get("/api/v1/stations/NOPE/certificates")
    assert missing.status_code == 404
    [stored] = await live.container.certificates.inventory(StationId("CP-2"))
    assert (stored.fingerprint_sha256, stored.pem) == (cert.fingerprint_sha256, cert.pem)


async def test_a_certificate_revoked_through_the_api_once_and_listed(
    live: Live, tmp_path: Path
) -> None:
    files = init_ca(tmp_path, "Revocation CA", NOW)
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CP-2")]))
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )
    cert = StationCa(files, days=30).sign("CP-2", csr, NOW)
    await live.container.database.write(lambda uow: uow.certificates.add(cert))
    url = f"/api/v1/stations/CP-2/certificates/{cert.serial_number.upper()}/revoke"

    refused = await live.viewer.post(url, json={"reason": "keyCompromise"})
    assert refused.status_code == 403
    unknown = await live.api.post(url, json={"reason": "stolen"})
    assert unknown.status_code == 422
    assert "keyCompromise" in unknown.text  # the message lists the reasons there are
    assert (await live.api.post(url.replace("CP-2", "CP-1"), json={})).status_code == 404
    assert (await live.api.post(url.replace("CP-2", "NOPE"), json={})).status_code == 404
    missing = await live.api.post("/api/v1/stations/CP-2/certificates/abc123/revoke")
    assert missing.status_code == 404
    assert "abc123" in missing.json()["error"]["message"]
    not_hex = await live.api.post("/api/v1/stations/CP-2/certificates/xyz/revoke")
    assert not_hex.status_code == 422
    assert "serial" in not_hex.text

    first = await live.api.post(url, json={"reason": "keyCompromise"})
    assert first.status_code == 200, first.text
    assert first.json()["revoked_reason"] == "keyCompromise"
    again = await live.api.post(url)  # no body: the first time and reason stay
    assert again.status_code == 200
    assert again.json()["revoked_at"] == first.json()["revoked_at"]
    assert again.json()["revoked_reason"] == "keyCompromise"
    [item] = (await live.viewer.get("/api/v1/stations/CP-2/certificates")).json()["items"]
    assert item["serial_number"] == cert.serial_number
    assert (item["revoked_at"], item["revoked_reason"]) == (
        first.json()["revoked_at"],
        "keyCompromise",
    )
    rows, _ = await live.container.audit.search(action="station.certificate_revoked")
    assert [(r["target_id"], r["detail"]["reason"]) for r in rows] == [("CP-2", "keyCompromise")]
