"""Security profiles 2 and 3 with real TLS: the gateway's TLS and mutual-TLS listeners, real
certificates made by a test CA, real WebSocket clients with their own SSL contexts."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from websockets.exceptions import InvalidMessage, InvalidStatus

from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from laddnet.sim.tls import client_context
from tests.pki import DAY, NOW, Issued, issue, make_ca, write_crl

PASSWORD = "station-password-0001"


@dataclass
class Pki:
    dir: Path
    server_ca: Issued
    station_ca: Issued
    server_ca_file: Path
    station_ca_file: Path
    crl_file: Path
    revoked: Issued

    def station_cert(self, cn: str, ca: Issued | None = None, **kw: object) -> tuple[str, str]:
        cert, key = issue(ca or self.station_ca, cn, **kw).write(self.dir, f"st-{cn}")  # type: ignore[arg-type]
        return str(cert), str(key)


@dataclass
class TlsGateway:
    container: Container
    gateway: Gateway
    pki: Pki

    def url(self, profile: SecurityProfile) -> str:
        if profile is SecurityProfile.BASIC_AUTH:
            return f"ws://127.0.0.1:{self.gateway.port}/ocpp"
        return f"wss://127.0.0.1:{self.gateway.tls_port(profile)}/ocpp"

    def context(self, cert: tuple[str, str] | None = None) -> ssl.SSLContext:
        return client_context(str(self.pki.server_ca_file), *(cert or (None, None)))

    async def add(self, station_id: str, profile: int, password: str | None = PASSWORD) -> None:
        await self.container.station_admin.register_station(
            StationId(station_id), password, actor="test", security_profile=profile
        )

    async def security_event(self, kind: str, station_id: str) -> dict[str, object]:
        """The security event of this kind about the station (written in the background after
        the refusal: waited for, up to 5 s)."""
        async with asyncio.timeout(5):
            while True:
                for event in await self.container.queries.security_events():
                    if event["kind"] == kind and event["station_id"] == station_id:
                        return event
                await asyncio.sleep(0.05)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    server_ca, station_ca = make_ca("Test server CA"), make_ca("Test station CA")
    revoked = issue(station_ca, "CP-REVOKED")
    server_ca_file = tmp_path / "server-ca.pem"
    server_ca_file.write_bytes(server_ca.pem())
    station_ca_file = tmp_path / "station-ca.pem"
    station_ca_file.write_bytes(station_ca.pem())
    server = issue(server_ca, "localhost", server=True)
    server.write(tmp_path, "server")
    crl = write_crl(station_ca, [revoked.cert], tmp_path / "station-crl.pem")
    return Pki(tmp_path, server_ca, station_ca, server_ca_file, station_ca_file, crl, revoked)


@pytest.fixture
async def tls(database_url: str, pki: Pki) -> AsyncIterator[TlsGateway]:
    settings = Settings(
        database_url=database_url,
        tls_cert=str(pki.dir / "server.pem"),
        tls_key=str(pki.dir / "server.key"),
        station_ca=str(pki.station_ca_file),
        station_crl=str(pki.crl_file),
        ocpp_tls_port=0,
        ocpp_mtls_port=0,
    )
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        yield TlsGateway(container, gateway, pki)
    finally:
        await gateway.stop()
        await container.aclose()


def _station(
    tls: TlsGateway,
    station_id: str,
    profile: SecurityProfile,
    *,
    version: str = "1.6",
    password: str | None = PASSWORD,
    cert: tuple[str, str] | None = None,
) -> SimStation:
    context = None if profile is SecurityProfile.BASIC_AUTH else tls.context(cert)
    return SimStation(tls.url(profile), station_id, password, version, ssl_context=context)


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_profile_2_station_connects_over_tls_with_its_password(
    tls: TlsGateway, version: str
) -> None:
    await tls.add("CP-TLS", 2)
    station = _station(tls, "CP-TLS", SecurityProfile.TLS_BASIC_AUTH, version=version)
    await station.connect()
    try:
        ssl_object = station._link.ws.transport.get_extra_info("ssl_object")  # type: ignore[union-attr]
        assert ssl_object.version() in ("TLSv1.2", "TLSv1.3")
        result = await station.boot()
        assert result["status"] == "Accepted"
    finally:
        await station.close()


async def test_profile_2_station_with_a_wrong_password_over_tls_is_refused(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-TLS", 2)
    station = _station(tls, "CP-TLS", SecurityProfile.TLS_BASIC_AUTH, password="x" * 20)
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 401


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_profile_3_station_connects_with_its_client_certificate(
    tls: TlsGateway, version: str
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    cert = tls.pki.station_cert("CP-MTLS")
    station = _station(
        tls,
        "CP-MTLS",
        SecurityProfile.TLS_CLIENT_CERTIFICATE,
        version=version,
        password=None,
        cert=cert,
    )
    await station.connect()
    try:
        assert (await station.boot())["status"] == "Accepted"
    finally:
        await station.close()
    found = await tls.container.queries.station(StationId("CP-MTLS"))
    assert found is not None
    assert found.security_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE


async def _refused_in_handshake(station: SimStation, alert: str) -> None:
    """The TLS handshake fails with the server's `alert`: no HTTP request is ever read. The
    station speaks TLS 1.2 here, where the server checks the client certificate before the
    handshake ends (with 1.3 the client only sees the connection close after its request)."""
    assert station.ssl_context is not None
    station.ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises((ssl.SSLError, ConnectionResetError)) as failed:
        await station.connect()
    if isinstance(failed.value, ssl.SSLError):  # the alert arrived before the reset
        assert alert in str(failed.value)


async def test_tls_1_3_station_with_a_bad_certificate_gets_no_http_answer(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    cert = tls.pki.station_cert("CP-MTLS", ca=make_ca("Somebody else's CA"))
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=cert)
    with pytest.raises(InvalidMessage) as failed:
        await station.connect()
    assert isinstance(failed.value.__cause__, EOFError)


async def test_client_certificate_from_another_ca_is_refused_in_the_handshake(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    cert = tls.pki.station_cert("CP-MTLS", ca=make_ca("Somebody else's CA"))
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=cert)
    await _refused_in_handshake(station, "UNKNOWN_CA")
    assert not tls.gateway.registry.get("CP-MTLS")


async def test_expired_client_certificate_is_refused_in_the_handshake(tls: TlsGateway) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    cert = tls.pki.station_cert("CP-MTLS", not_before=NOW - 30 * DAY, not_after=NOW - DAY)
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=cert)
    await _refused_in_handshake(station, "CERTIFICATE_EXPIRED")


async def test_revoked_client_certificate_is_refused_in_the_handshake(tls: TlsGateway) -> None:
    await tls.add("CP-REVOKED", 3, password=None)
    cert, key = tls.pki.revoked.write(tls.pki.dir, "revoked")
    station = _station(
        tls, "CP-REVOKED", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=(str(cert), str(key))
    )
    await _refused_in_handshake(station, "CERTIFICATE_REVOKED")
    # The same station with a certificate that is not revoked gets in: the CRL is what refused.
    good = tls.pki.station_cert("CP-REVOKED")
    station = _station(tls, "CP-REVOKED", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=good)
    await station.connect()
    await station.close()


async def test_no_client_certificate_on_the_mutual_tls_listener_is_refused(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE)
    await _refused_in_handshake(station, "CERTIFICATE_REQUIRED")


async def test_client_certificate_naming_another_station_is_refused_before_the_upgrade(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    await tls.add("CP-OTHER", 3, password=None)
    cert = tls.pki.station_cert("CP-OTHER")  # valid, but it is CP-OTHER's
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=cert)
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 403
    event = await tls.security_event("certificate_mismatch", "CP-MTLS")
    assert "CP-OTHER" in str(event["detail"])


async def test_unknown_station_with_a_valid_certificate_is_refused(tls: TlsGateway) -> None:
    cert = tls.pki.station_cert("CP-NOBODY")
    station = _station(tls, "CP-NOBODY", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=cert)
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 401


async def test_tls_1_1_is_refused_by_the_server(tls: TlsGateway) -> None:
    await tls.add("CP-TLS", 2)
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(tls.pki.server_ca_file))
    old.set_ciphers("ALL:@SECLEVEL=0")  # let this client offer TLS 1.1 at all
    with pytest.warns(DeprecationWarning, match="TLSv1_1"):
        old.minimum_version = ssl.TLSVersion.TLSv1_1
    with pytest.warns(DeprecationWarning, match="TLSv1_1"):
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    station = SimStation(
        tls.url(SecurityProfile.TLS_BASIC_AUTH), "CP-TLS", PASSWORD, "1.6", ssl_context=old
    )
    with pytest.raises((ssl.SSLError, ConnectionResetError)) as failed:
        await station.connect()
    # The server said no (a protocol-version alert, or a reset right after sending it), not
    # this client (whose own refusal would be an SSLError of another kind).
    if isinstance(failed.value, ssl.SSLError):
        assert "TLSV1_ALERT_PROTOCOL_VERSION" in str(failed.value)


async def test_profile_2_station_over_plain_websocket_is_refused_and_recorded(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-TLS", 2)
    station = _station(tls, "CP-TLS", SecurityProfile.BASIC_AUTH)
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 403
    event = await tls.security_event("security_profile_downgrade", "CP-TLS")
    assert "profile 2" in str(event["detail"])


async def test_profile_3_station_with_a_password_over_tls_is_refused(tls: TlsGateway) -> None:
    await tls.add("CP-MTLS", 3)  # it has a password, but profile 3 asks for its certificate
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_BASIC_AUTH)
    with pytest.raises(InvalidStatus) as refused:
        await station.connect()
    assert refused.value.response.status_code == 403
    await tls.security_event("security_profile_downgrade", "CP-MTLS")


async def test_profile_1_station_may_use_tls(tls: TlsGateway) -> None:
    await tls.add("CP-PLAIN", 1)
    station = _station(tls, "CP-PLAIN", SecurityProfile.TLS_BASIC_AUTH)
    await station.connect()
    await station.close()


async def test_new_server_certificate_and_station_ca_are_used_without_a_restart(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-MTLS", 3, password=None)
    pki = tls.pki
    new_station_ca = make_ca("Renewed station CA")
    new_server = issue(pki.server_ca, "localhost", server=True)
    new_server.write(pki.dir, "server")
    pki.station_ca_file.write_bytes(new_station_ca.pem())
    pki.crl_file.write_bytes(b"")  # the old CA's list goes with it
    write_crl(new_station_ca, [], pki.crl_file)

    old_ca_cert = pki.station_cert("CP-MTLS")
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=old_ca_cert)
    await _refused_in_handshake(station, "UNKNOWN_CA")

    new_ca_cert = pki.station_cert("CP-MTLS", ca=new_station_ca)
    station = _station(tls, "CP-MTLS", SecurityProfile.TLS_CLIENT_CERTIFICATE, cert=new_ca_cert)
    await station.connect()
    try:
        ssl_object = station._link.ws.transport.get_extra_info("ssl_object")  # type: ignore[union-attr]
        served = ssl_object.getpeercert(binary_form=True)
        assert served == new_server.cert.public_bytes(serialization.Encoding.DER)
    finally:
        await station.close()


@pytest.mark.parametrize(
    ("suite", "key_type"),
    [
        ("AES128-GCM-SHA256", rsa.RSAPublicKey),  # TLS_RSA_WITH_AES_128_GCM_SHA256
        ("ECDHE-ECDSA-AES256-GCM-SHA384", ec.EllipticCurvePublicKey),
    ],
)
async def test_an_rsa_and_an_ecdsa_certificate_serve_each_station_the_one_it_accepts(
    database_url: str, pki: Pki, suite: str, key_type: type
) -> None:
    """The security specifications require cipher suites of both kinds of a CSMS (1.6 security
    whitepaper A00.FR.317, 2.0.1 A00.FR.318): an ECDSA certificate for some, RSA for others."""
    issue(pki.server_ca, "localhost", server=True, rsa_key=True).write(pki.dir, "server-rsa")
    settings = Settings(
        database_url=database_url,
        tls_cert=str(pki.dir / "server.pem"),
        tls_key=str(pki.dir / "server.key"),
        tls_cert_2=str(pki.dir / "server-rsa.pem"),
        tls_key_2=str(pki.dir / "server-rsa.key"),
        ocpp_tls_port=0,
    )
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        tls = TlsGateway(container, gateway, pki)
        await tls.add("CP-SUITE", 2)
        context = tls.context()
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(suite)
        url = tls.url(SecurityProfile.TLS_BASIC_AUTH)
        station = SimStation(url, "CP-SUITE", PASSWORD, "1.6", ssl_context=context)
        await station.connect()
        try:
            ssl_object = station._link.ws.transport.get_extra_info("ssl_object")  # type: ignore[union-attr]
            assert ssl_object.cipher()[0] == suite
            served = x509.load_der_x509_certificate(ssl_object.getpeercert(binary_form=True))
            assert isinstance(served.public_key(), key_type)
            assert (await station.boot())["status"] == "Accepted"
        finally:
            await station.close()
    finally:
        await gateway.stop()
        await container.aclose()


async def test_without_an_rsa_certificate_an_rsa_only_station_fails_the_handshake(
    tls: TlsGateway,
) -> None:
    await tls.add("CP-RSA-ONLY", 2)
    context = tls.context()
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("AES128-GCM-SHA256")
    url = tls.url(SecurityProfile.TLS_BASIC_AUTH)
    station = SimStation(url, "CP-RSA-ONLY", PASSWORD, "1.6", ssl_context=context)
    with pytest.raises((ssl.SSLError, ConnectionResetError)):  # the server aborts the handshake
        await station.connect()
