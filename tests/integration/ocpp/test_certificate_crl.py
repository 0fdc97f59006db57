"""The station CA's revocation list: it lists, signed by the CA, the certificates the CA issued
that are revoked in Laddnet's inventory (with time and reason), and given to the gateway as
`LADDNET_STATION_CRL` it refuses a revoked certificate already in the TLS handshake; on SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from laddnet.adapters.crypto.station_ca import StationCa
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.errors import InvalidInput
from laddnet.domain.ids import StationId
from laddnet.domain.security.certificates import RevocationReason, StationCertificate
from laddnet.ocpp.server import Gateway
from tests.integration.ocpp.test_certificate_revocation import Mtls
from tests.integration.ocpp.test_station_certificates import ca_settings, csr_for
from tests.pki import NOW


class _Now:
    def now(self) -> datetime:
        return NOW


async def _issued(container: Container, authority: StationCa) -> StationCertificate:
    cert = authority.sign("CP-3", csr_for("CP-3")[0], NOW)
    await container.database.write(lambda uow: uow.certificates.add(cert))
    return cert


async def test_the_list_names_the_revoked_certificates_of_our_ca_signed_by_it(
    database_url: str, tmp_path: Path
) -> None:
    settings, files = ca_settings(database_url, tmp_path)
    container = build(settings, _Now())
    try:
        await container.station_admin.register_station(
            StationId("CP-3"), None, actor="test", security_profile=3
        )
        authority = StationCa(files, days=365)
        kept, lost, old = [await _issued(container, authority) for _ in range(3)]
        # A certificate of the CA Laddnet had before: not this CA's to list.
        foreign = replace(old, serial_number="abc123", issuer="CN=Old station CA", id=None)
        await container.database.write(lambda uow: uow.certificates.add(foreign))
        certificates = container.certificates
        compromised = RevocationReason.KEY_COMPROMISE
        await certificates.revoke(StationId("CP-3"), lost.serial_number, compromised, "t")
        await certificates.revoke(StationId("CP-3"), old.serial_number, None, "t")
        await certificates.revoke(StationId("CP-3"), "abc123", None, "t")

        pem, listed = await certificates.revocation_list(7)
    finally:
        await container.aclose()

    assert listed == 2
    crl = x509.load_pem_x509_crl(pem.encode())
    ca = x509.load_pem_x509_certificate(await asyncio.to_thread(Path(files.cert).read_bytes))
    assert crl.is_signature_valid(ca.public_key())  # type: ignore[arg-type]
    assert crl.issuer == ca.subject
    second = NOW.replace(microsecond=0)  # X.509 times are whole seconds
    assert crl.last_update_utc == second
    assert crl.next_update_utc == second + timedelta(days=7)
    serials = {format(entry.serial_number, "x") for entry in crl}
    assert serials == {lost.serial_number, old.serial_number}
    entry = crl.get_revoked_certificate_by_serial_number(int(lost.serial_number, 16))
    assert entry is not None
    assert entry.revocation_date_utc == second
    reason = entry.extensions.get_extension_for_class(x509.CRLReason)
    assert reason.value.reason is x509.ReasonFlags.key_compromise
    unexplained = crl.get_revoked_certificate_by_serial_number(int(old.serial_number, 16))
    assert unexplained is not None
    assert len(unexplained.extensions) == 0
    assert crl.get_revoked_certificate_by_serial_number(int(kept.serial_number, 16)) is None


async def test_no_list_without_a_station_ca(database_url: str) -> None:
    container = build(Settings(database_url=database_url))
    try:
        with pytest.raises(InvalidInput, match="no station CA"):
            await container.certificates.revocation_list(7)
    finally:
        await container.aclose()


@pytest.mark.parametrize("days", [0, 367])
async def test_a_list_is_valid_for_1_to_366_days(
    database_url: str, tmp_path: Path, days: int
) -> None:
    settings, _ = ca_settings(database_url, tmp_path)
    container = build(settings)
    try:
        with pytest.raises(InvalidInput, match="1 to 366 days"):
            await container.certificates.revocation_list(days)
    finally:
        await container.aclose()


async def test_with_our_list_as_station_crl_a_revoked_certificate_fails_the_handshake(
    database_url: str, tmp_path: Path
) -> None:
    settings, files = ca_settings(database_url, tmp_path)
    crl_file = tmp_path / "station-crl.pem"
    settings = settings.model_copy(update={"station_crl": str(crl_file)})
    container = build(settings)
    gateway = Gateway(container)
    try:
        crl_file.write_text((await container.certificates.revocation_list(7))[0])  # empty
        await gateway.start(host="127.0.0.1", port=0)
        await container.station_admin.register_station(
            StationId("CP-3"), None, actor="test", security_profile=3
        )
        mtls = Mtls(container, gateway, StationCa(files, days=365), tmp_path)
        used, _ = await mtls.issued("CP-3", "used")
        await mtls.issued("CP-3", "spare")
        station = mtls.station("CP-3", "used")
        await station.connect()  # not revoked yet
        await station.close()

        await container.certificates.revoke(StationId("CP-3"), used.serial_number, None, "t")
        crl_file.write_text((await container.certificates.revocation_list(7))[0])
        refused = mtls.station("CP-3", "used")
        assert refused.ssl_context is not None
        refused.ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2  # the alert: in the handshake
        with pytest.raises((ssl.SSLError, ConnectionResetError)) as failed:
            await refused.connect()
        if isinstance(failed.value, ssl.SSLError):
            assert "CERTIFICATE_REVOKED" in str(failed.value)
        spare = mtls.station("CP-3", "spare")  # the same CA's other certificate still gets in
        await spare.connect()
        await spare.close()
    finally:
        await gateway.stop()
        await container.aclose()
