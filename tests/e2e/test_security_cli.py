"""`laddnet security events` and `laddnet station revoke-certificate` as an operator runs them."""

from __future__ import annotations

import asyncio

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from laddnet.adapters.crypto.station_ca import StationCa, init_ca
from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.security.model import SecurityEventKind as K
from tests.e2e.conftest import PASSWORD, Laddnet, one_line_error
from tests.pki import NOW


def test_security_events_lists_refused_logins_and_filters_by_kind(laddnet: Laddnet) -> None:
    assert laddnet.ok("security", "events").strip().splitlines()[-1] == "0 of 0 events"
    _insert_events(laddnet)
    lines = laddnet.ok("security", "events").strip().splitlines()
    assert lines[0].startswith("WHEN (UTC)")
    assert "stray_response" in lines[1] and "CP-9" in lines[1] and "10.1.2.3:4000" in lines[1]
    assert lines[-1] == "2 of 2 events"
    only = laddnet.ok("security", "events", "--kind", "unknown_station").strip().splitlines()
    assert len(only) == 3 and "unknown_station" in only[1]
    assert only[-1] == "1 of 1 events"


def _insert_events(laddnet: Laddnet) -> None:
    async def record() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await container.stations.record_security_event(K.UNKNOWN_STATION, "CP-404", "login")
            await container.stations.record_security_event(
                K.STRAY_RESPONSE, "CP-9", "CALLRESULT for message id 'z'", "10.1.2.3:4000"
            )
        finally:
            await container.aclose()

    asyncio.run(record())


def test_station_revoke_certificate_revokes_once_and_the_listing_shows_it(
    laddnet: Laddnet,
) -> None:
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)
    serial = _insert_certificate(laddnet, "CP-1")
    out = laddnet.ok(
        "station", "revoke-certificate", "CP-1", serial.upper(), "--reason", "superseded"
    )
    assert out.strip().startswith(f"certificate {serial} of CP-1 revoked ")
    assert out.strip().endswith("(superseded)")
    again = laddnet.ok("station", "revoke-certificate", "CP-1", serial)
    assert again == out  # the same time and reason
    [header, row, total] = laddnet.ok("station", "certificates", "CP-1").strip().splitlines()
    assert "REVOKED" in header
    assert row.startswith(serial) and "(superseded)" in row
    assert total == "1 certificates"
    unknown = laddnet.run("station", "revoke-certificate", "CP-1", "abc123")
    assert unknown.returncode == 1
    assert "has no certificate abc123" in one_line_error(unknown.stderr)
    bad = laddnet.run("station", "revoke-certificate", "CP-1", serial, "--reason", "stolen")
    assert bad.returncode == 2  # argparse: the reasons there are
    assert "keyCompromise" in bad.stderr


def _insert_certificate(laddnet: Laddnet, station_id: str) -> str:
    """A certificate of a fresh station CA for the station, in the inventory: its serial."""
    files = init_ca(laddnet.workdir / "ca", "e2e station CA", NOW)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, station_id)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    cert = StationCa(files, days=30).sign(station_id, pem, NOW)

    async def add() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await container.database.write(lambda uow: uow.certificates.add(cert))
        finally:
            await container.aclose()

    asyncio.run(add())
    return cert.serial_number
