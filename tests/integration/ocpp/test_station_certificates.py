"""SignCertificate -> CertificateSigned with Laddnet's own station CA, both OCPP versions, over
real WebSockets (and real mutual TLS for a profile-3 station renewing its certificate), on
SQLite and PostgreSQL. CSRs are made with `cryptography`, as a station's firmware would."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from laddnet.adapters.crypto.station_ca import CaFiles, init_ca
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp.server import Gateway
from laddnet.sim.answers import Answer
from laddnet.sim.station import SimStation
from laddnet.sim.tls import client_context
from tests.pki import NOW, issue, make_ca

PASSWORD = "station-password-0001"
Key = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def csr_for(cn: str, key: Key | None = None) -> tuple[str, Key]:
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CPO"),
        ]
    )
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode(), key


@dataclass
class CaGateway:
    container: Container
    gateway: Gateway
    ca_cert: x509.Certificate
    dir: Path

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.gateway.port}/ocpp"

    async def station(self, station_id: str, version: str) -> SimStation:
        await self.container.stations.add_station(StationId(station_id), PASSWORD)
        station = SimStation(self.url, station_id, PASSWORD, version)
        await station.connect()
        await station.boot()
        return station

    async def events(self, kind: str, station_id: str) -> list[dict[str, object]]:
        return [
            e
            for e in await self.container.queries.security_events()
            if e["kind"] == kind and e["station_id"] == station_id
        ]


def ca_settings(database_url: str, tmp_path: Path) -> tuple[Settings, CaFiles]:
    """Settings of a gateway with Laddnet's own station CA (issuing and checking station
    certificates) and a server certificate for localhost from another CA (`server-ca.pem`)."""
    files = init_ca(tmp_path / "ca", "Test station CA", NOW)
    server_ca = make_ca("Test server CA")
    (tmp_path / "server-ca.pem").write_bytes(server_ca.pem())
    issue(server_ca, "localhost", server=True).write(tmp_path, "server")
    settings = Settings(
        database_url=database_url,
        ca_cert=files.cert,
        ca_key=files.key,
        station_ca=files.cert,
        tls_cert=str(tmp_path / "server.pem"),
        tls_key=str(tmp_path / "server.key"),
        ocpp_tls_port=0,
        ocpp_mtls_port=0,
    )
    return settings, files


@pytest.fixture
async def with_ca(database_url: str, tmp_path: Path) -> AsyncIterator[CaGateway]:
    settings, files = ca_settings(database_url, tmp_path)
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    ca_cert = _read_cert(files.cert)
    try:
        yield CaGateway(container, gateway, ca_cert, tmp_path)
    finally:
        await gateway.stop()
        await container.aclose()


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not check():
            await asyncio.sleep(0.02)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_tc_a_02_csr_signed_and_sent_back_as_certificate_signed(
    with_ca: CaGateway, version: str
) -> None:
    station = await with_ca.station("CP-1", version)
    try:
        csr, key = csr_for("CP-1")
        payload = {"csr": csr}
        if version == "2.0.1":
            payload["certificateType"] = "ChargingStationCertificate"
        assert await station.call("SignCertificate", payload) == {"status": "Accepted"}
        await _until(lambda: bool(station.responder.signed_chains))
    finally:
        await station.close()
    chain = x509.load_pem_x509_certificates(station.responder.signed_chains[0].encode())
    leaf = chain[0]
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "CP-1"
    assert leaf.issuer == with_ca.ca_cert.subject
    assert chain[1] == with_ca.ca_cert  # the chain carries the CA
    leaf.verify_directly_issued_by(with_ca.ca_cert)
    assert leaf.public_key() == key.public_key()
    await with_ca.container.certificates.aclose()  # the answer recorded, the inventory too
    assert await _answers(with_ca, "CP-1") == [("CertificateSigned", "Accepted")]
    [stored] = await with_ca.container.certificates.inventory(StationId("CP-1"))
    assert stored.serial_number == format(leaf.serial_number, "x")
    assert stored.not_after == leaf.not_valid_after_utc
    assert await with_ca.events("certificate_issued", "CP-1")


async def _answers(with_ca: CaGateway, station_id: str) -> list[tuple[str | None, str | None]]:
    records, _ = await with_ca.container.commands.history(
        StationId(station_id), name="certificate-signed", limit=5, offset=0
    )
    return [(r.ocpp_action, r.status) for r in records]


async def test_tc_a_14_csms_certificate_the_station_rejects_is_recorded_not_listed(
    with_ca: CaGateway,
) -> None:
    station = await with_ca.station("CP-1", "2.0.1")
    rejected = Answer({"status": "Rejected"})
    station.responder.table = {
        **station.responder.table,
        "CertificateSigned": lambda _r, _p: rejected,
    }
    try:
        csr, _ = csr_for("CP-1")
        payload = {"csr": csr, "certificateType": "ChargingStationCertificate"}
        assert await station.call("SignCertificate", payload) == {"status": "Accepted"}
        await with_ca.container.certificates.aclose()  # sent, answered, recorded
        assert await _answers(with_ca, "CP-1") == [("CertificateSigned", "Rejected")]
        assert await with_ca.container.certificates.inventory(StationId("CP-1")) == []
        # No harm done: the station goes on, and may ask again.
        assert "currentTime" in await station.heartbeat()
        assert await station.call("SignCertificate", payload) == {"status": "Accepted"}
        await with_ca.container.certificates.aclose()
    finally:
        await station.close()
    assert [s for _, s in await _answers(with_ca, "CP-1")] == ["Rejected", "Rejected"]
    assert await with_ca.container.certificates.inventory(StationId("CP-1")) == []


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda: csr_for("CP-OTHER")[0], "subject CN 'CP-OTHER' is not the station id"),
        (lambda: csr_for("CP-1", _weak_rsa())[0], "RSA key of 1024"),
        (lambda: _tampered(csr_for("CP-1")[0]), "signature does not verify"),
        (lambda: "-----BEGIN CERTIFICATE REQUEST-----\nnope\n", "not a PEM certificate"),
    ],
)
async def test_unfit_csr_is_rejected_and_recorded(
    with_ca: CaGateway, make: Callable[[], str], named: str
) -> None:
    station = await with_ca.station("CP-1", "1.6")
    try:
        assert await station.call("SignCertificate", {"csr": make()}) == {"status": "Rejected"}
    finally:
        await station.close()
    [event] = await with_ca.events("csr_rejected", "CP-1")
    assert named in str(event["detail"])
    assert station.responder.signed_chains == []
    assert await with_ca.container.certificates.inventory(StationId("CP-1")) == []


def _weak_rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 1024)  # noqa: S505 - a key the station CA must refuse


def _tampered(pem: str) -> str:
    """The same CSR with one bit of its signature flipped (still well-formed DER)."""
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-1] ^= 0x01
    return x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()


async def test_without_a_station_ca_every_csr_is_rejected(container: Container) -> None:
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        await container.stations.add_station(StationId("CP-1"), PASSWORD)
        station = SimStation(f"ws://127.0.0.1:{gateway.port}/ocpp", "CP-1", PASSWORD, "2.0.1")
        await station.connect()
        await station.boot()
        answer = await station.call("SignCertificate", {"csr": csr_for("CP-1")[0]})
        await station.close()
    finally:
        await gateway.stop()
    assert answer == {"status": "Rejected"}
    events = await container.queries.security_events()
    assert any("no station CA" in e["detail"] for e in events if e["kind"] == "csr_rejected")


async def test_profile_3_station_renews_its_certificate_and_logs_in_with_the_new_one(
    with_ca: CaGateway,
) -> None:
    """A00/A02: the station proves itself with its first certificate, asks for a new one over
    that connection, and its next connection uses the certificate Laddnet signed."""
    container, pki = with_ca.container, with_ca.dir
    await container.station_admin.register_station(
        StationId("CP-3"), None, actor="test", security_profile=3
    )
    url = f"wss://127.0.0.1:{with_ca.gateway.tls_port(SecurityProfile.TLS_CLIENT_CERTIFICATE)}/ocpp"
    first_csr, first_key = csr_for("CP-3")
    authority = container.certificates._authority
    assert authority is not None
    first = await asyncio.to_thread(authority.sign, "CP-3", first_csr, NOW)
    context = _identity(pki, "cp3-first", first.pem, first_key)
    station = SimStation(url, "CP-3", None, "2.0.1", ssl_context=context)
    await station.connect()
    try:
        await station.boot()
        new_csr, new_key = csr_for("CP-3")
        assert (await station.call("SignCertificate", {"csr": new_csr}))["status"] == "Accepted"
        await _until(lambda: bool(station.responder.signed_chains))
    finally:
        await station.close()
    renewed = _identity(pki, "cp3-new", station.responder.signed_chains[0], new_key)
    again = SimStation(url, "CP-3", None, "2.0.1", ssl_context=renewed)
    await again.connect()
    try:
        assert (await again.boot())["status"] == "Accepted"
    finally:
        await again.close()


def _identity(pki: Path, name: str, chain: str, key: Key) -> ssl.SSLContext:
    """The TLS client context of a station holding this certificate chain and key."""
    (pki / f"{name}.pem").write_text(chain)
    (pki / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert, key_file = str(pki / f"{name}.pem"), str(pki / f"{name}.key")
    return client_context(str(pki / "server-ca.pem"), cert, key_file)


def _read_cert(path: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())
