"""Revoking a station certificate in Laddnet's inventory: a profile-3 station presenting it over
real mutual TLS is refused before the WebSocket upgrade (403, `certificate_revoked` security
event), and the same station with another, not revoked certificate of the same CA gets in; a
connection made with a certificate is closed when that certificate is revoked; on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from websockets.exceptions import InvalidStatus

from laddnet.adapters.crypto.station_ca import StationCa
from laddnet.bootstrap import Container, build
from laddnet.domain.events import Event, EventType
from laddnet.domain.ids import StationId
from laddnet.domain.security.certificates import RevocationReason, StationCertificate
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.security.severity import CRITICAL, severity
from laddnet.ocpp.server import Gateway
from laddnet.ports import UnitOfWork
from laddnet.sim.station import SimStation
from laddnet.sim.tls import client_context
from tests.integration.ocpp.test_station_certificates import Key, ca_settings, csr_for
from tests.pki import NOW


@dataclass
class Mtls:
    container: Container
    gateway: Gateway
    authority: StationCa
    dir: Path

    @property
    def url(self) -> str:
        port = self.gateway.tls_port(SecurityProfile.TLS_CLIENT_CERTIFICATE)
        return f"wss://127.0.0.1:{port}/ocpp"

    async def issued(self, station_id: str, name: str) -> tuple[StationCertificate, Key]:
        """A certificate of our station CA for the station, in the inventory."""
        csr, key = csr_for(station_id)
        cert = await asyncio.to_thread(self.authority.sign, station_id, csr, NOW)
        await self.container.database.write(lambda uow: uow.certificates.add(cert))
        (self.dir / f"{name}.pem").write_text(cert.pem)
        (self.dir / f"{name}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert, key

    def station(self, station_id: str, name: str, version: str = "2.0.1") -> SimStation:
        cert, key = str(self.dir / f"{name}.pem"), str(self.dir / f"{name}.key")
        context = client_context(str(self.dir / "server-ca.pem"), cert, key)
        return SimStation(self.url, station_id, None, version, ssl_context=context)

    async def security_events(self, kind: str, station_id: str) -> list[dict[str, object]]:
        """The security events of this kind about the station (written in the background
        after a refusal: waited for, up to 5 s, until there is one)."""
        async with asyncio.timeout(5):
            while True:
                found = [
                    e
                    for e in await self.container.queries.security_events()
                    if e["kind"] == kind and e["station_id"] == station_id
                ]
                if found:
                    return found
                await asyncio.sleep(0.05)


@pytest.fixture
async def mtls(database_url: str, tmp_path: Path) -> AsyncIterator[Mtls]:
    settings, files = ca_settings(database_url, tmp_path)
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    try:
        await container.station_admin.register_station(
            StationId("CP-3"), None, actor="test", security_profile=3
        )
        yield Mtls(container, gateway, StationCa(files, days=365), tmp_path)
    finally:
        await gateway.stop()
        await container.aclose()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_revoked_certificate_is_refused_before_the_upgrade_and_a_new_one_gets_in(
    mtls: Mtls, version: str
) -> None:
    old, _ = await mtls.issued("CP-3", "old")
    await mtls.issued("CP-3", "new")
    station = mtls.station("CP-3", "old", version)
    await station.connect()  # before the revocation, the old certificate logs it in
    await station.close()

    revoked = await mtls.container.certificates.revoke(
        StationId("CP-3"), old.serial_number.upper(), RevocationReason.KEY_COMPROMISE, "test"
    )
    assert revoked.revoked_at is not None
    assert revoked.revoked_reason is RevocationReason.KEY_COMPROMISE

    with pytest.raises(InvalidStatus) as refused:
        await mtls.station("CP-3", "old", version).connect()
    response = refused.value.response
    assert response.status_code == 403
    body = response.body.decode()
    assert "revoked" not in body
    assert old.serial_number not in body
    [event] = await mtls.security_events("certificate_revoked", "CP-3")
    assert old.serial_number in str(event["detail"])
    assert severity(SecurityEventKind(str(event["kind"]))) == CRITICAL

    renewed = mtls.station("CP-3", "new", version)
    await renewed.connect()
    try:
        assert (await renewed.boot())["status"] == "Accepted"
    finally:
        await renewed.close()


@pytest.mark.parametrize("version", ["1.6", "2.0.1"])
async def test_a_connection_is_closed_when_its_certificate_is_revoked(
    mtls: Mtls, version: str
) -> None:
    container = mtls.container
    await container.events.start()  # revocations reach the gateway as events
    heard: list[Event] = []
    container.events.subscribe(heard.append)
    used, _ = await mtls.issued("CP-3", "used")
    spare, _ = await mtls.issued("CP-3", "spare")
    station = mtls.station("CP-3", "used", version)
    await station.connect()
    assert (await station.boot())["status"] == "Accepted"

    async def revoked(serial: str) -> None:
        await container.certificates.revoke(StationId("CP-3"), serial, None, "test")
        async with asyncio.timeout(5):
            while not any(e.data.get("serial_number") == serial for e in heard):
                await asyncio.sleep(0.02)

    await revoked(spare.serial_number)  # another of its certificates: the connection stays
    await asyncio.sleep(0.1)
    assert station.connected
    [event] = [e for e in heard if e.type == EventType.CERTIFICATE_REVOKED]
    assert event.station_id == "CP-3"
    assert event.data["issuer"] == spare.issuer

    await revoked(used.serial_number)
    async with asyncio.timeout(5):
        while station.connected:
            await asyncio.sleep(0.02)
    assert station._link is not None
    assert station._link.ws.close_code == 1008
    [closed] = await mtls.security_events("certificate_revoked", "CP-3")
    assert used.serial_number in str(closed["detail"])
    assert "closed its connection" in str(closed["detail"])


async def test_revoking_is_audited_once_and_idempotent(mtls: Mtls) -> None:
    cert, _ = await mtls.issued("CP-3", "one")
    certificates = mtls.container.certificates
    first = await certificates.revoke(
        StationId("CP-3"), cert.serial_number, RevocationReason.SUPERSEDED, "alice"
    )
    again = await certificates.revoke(
        StationId("CP-3"), cert.serial_number, RevocationReason.KEY_COMPROMISE, "bob"
    )
    assert again.revoked_at == first.revoked_at
    assert again.revoked_reason is RevocationReason.SUPERSEDED  # the first reason stays
    rows, _ = await mtls.container.audit.search(action="station.certificate_revoked")
    assert [(r["actor"], r["target_id"]) for r in rows] == [("alice", "CP-3")]
    [listed] = await certificates.inventory(StationId("CP-3"))
    assert listed.revoked_at == first.revoked_at


async def test_revoked_certificate_is_not_watched_for_renewal(mtls: Mtls) -> None:
    """Renewal watches each station's newest certificate that is not revoked."""
    cert, _ = await mtls.issued("CP-3", "only")
    later = cert.not_after.replace(year=cert.not_after.year + 1)
    database = mtls.container.database

    def expiring(uow: UnitOfWork) -> list[str]:
        return [c.serial_number for c in uow.credential_changes.expiring(later)]

    assert await database.read(expiring) == [cert.serial_number]
    await mtls.container.certificates.revoke(StationId("CP-3"), cert.serial_number, None, "test")
    assert await database.read(expiring) == []
