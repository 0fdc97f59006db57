"""Security profile upgrade of a running station (1.6 security whitepaper ChangeConfiguration
SecurityProfile; 2.0.1 SetNetworkProfile + SetVariables NetworkConfigurationPriority + Reset),
and certificate renewal ahead of expiry, with real stations over real WebSockets and TLS, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from websockets.exceptions import InvalidStatus

from laddnet.adapters.db.tables import outbox_events
from laddnet.bootstrap import Container, build
from laddnet.config import Settings
from laddnet.domain.errors import InvalidInput
from laddnet.domain.ids import StationId
from laddnet.domain.security.certificates import CertificateUse, StationCertificate
from laddnet.domain.security.credentials import ChangeKind, ChangeState
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp.server import Gateway
from laddnet.sim.answers import Answer
from laddnet.sim.station import SimStation
from laddnet.sim.tls import client_context
from tests.integration.ocpp.conftest import PASSWORD, registered_long_ago
from tests.pki import issue, make_ca

CP1 = StationId("CP-1")


@dataclass
class TlsGateway:
    container: Container
    gateway: Gateway
    server_ca: str

    def ws(self, station_id: str, version: str, password: str = PASSWORD) -> SimStation:
        url = f"ws://127.0.0.1:{self.gateway.port}/ocpp"
        return SimStation(url, station_id, password, version)

    def wss(self, station_id: str, version: str) -> SimStation:
        port = self.gateway.tls_port(SecurityProfile.TLS_BASIC_AUTH)
        context = client_context(self.server_ca)
        return SimStation(
            f"wss://localhost:{port}/ocpp", station_id, PASSWORD, version, ssl_context=context
        )

    @property
    def wss_url(self) -> str:
        return f"wss://localhost:{self.gateway.tls_port(SecurityProfile.TLS_BASIC_AUTH)}/ocpp"


@pytest.fixture
async def tls(database_url: str, tmp_path: Path) -> AsyncIterator[TlsGateway]:
    server_ca = make_ca("Test server CA")
    (tmp_path / "server-ca.pem").write_bytes(server_ca.pem())
    issue(server_ca, "localhost", server=True).write(tmp_path, "server")
    settings = Settings(
        database_url=database_url,
        tls_cert=str(tmp_path / "server.pem"),
        tls_key=str(tmp_path / "server.key"),
        ocpp_tls_port=0,
        call_timeout=2.0,
        certificate_renewal_days=30,
        certificate_alert_days=7,
    )
    container = build(settings)
    gateway = Gateway(container)
    await gateway.start(host="127.0.0.1", port=0)
    for station_id in ("CP-1", "CP-2"):
        await container.stations.add_station(StationId(station_id), PASSWORD)
    registered_long_ago(container, "CP-1", "CP-2")
    try:
        yield TlsGateway(container, gateway, str(tmp_path / "server-ca.pem"))
    finally:
        await gateway.stop()
        await container.aclose()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


async def profile_of(tls: TlsGateway, station_id: str) -> SecurityProfile:
    station = await tls.container.queries.station(StationId(station_id))
    assert station is not None
    return station.security_profile


async def change_state(tls: TlsGateway, change_id: int) -> ChangeState:
    changes, _ = await tls.container.credentials.changes(kind=ChangeKind.SECURITY_PROFILE)
    return next(c.state for c in changes if c.id == change_id)


async def test_v16_upgrade_keeps_the_old_profile_until_the_station_uses_the_new_one(
    tls: TlsGateway,
) -> None:
    station = tls.ws("CP-1", "1.6")
    await station.connect()
    await station.boot()
    change = await tls.container.credentials.upgrade_profile(CP1, 2, "user:1")
    assert change.state is ChangeState.CONFIRMED
    # (The configuration read after the boot may come before or after it.)
    assert ("ChangeConfiguration", {"key": "SecurityProfile", "value": "2"}) in (
        station.received_calls
    )
    # Confirmed, not used yet: the station still reconnects over plain ws://.
    await station.reconnect()
    await asyncio.sleep(0.2)
    assert await profile_of(tls, "CP-1") is SecurityProfile.BASIC_AUTH
    assert await change_state(tls, change.id) is ChangeState.CONFIRMED
    await station.close()
    secure = tls.wss("CP-1", "1.6")  # now over TLS: the new profile becomes the minimum
    await secure.connect()
    await secure.boot()

    async def completed() -> bool:
        return await change_state(tls, change.id) is ChangeState.COMPLETED

    await eventually(completed)
    assert await profile_of(tls, "CP-1") is SecurityProfile.TLS_BASIC_AUTH
    with pytest.raises(InvalidStatus):  # a downgrade to ws:// is refused from now on
        await tls.ws("CP-1", "1.6").connect()
    await secure.close()
    rows, _ = await tls.container.audit.search(action="station.security_profile_upgraded")
    assert [r["target_id"] for r in rows] == ["CP-1"]


async def test_tc_a_19_csms_v201_upgrade_sends_network_profile_priority_and_reset(
    tls: TlsGateway,
) -> None:
    station = tls.ws("CP-2", "2.0.1")
    await station.connect()
    await station.boot()
    with pytest.raises(InvalidInput):  # a 2.0.1 station must be told where to connect
        await tls.container.credentials.upgrade_profile(StationId("CP-2"), 2, "user:1")
    change = await tls.container.credentials.upgrade_profile(
        StationId("CP-2"), 2, "user:1", csms_url=tls.wss_url, configuration_slot=2, fallback_slot=1
    )
    assert change.state is ChangeState.CONFIRMED, change.detail
    assert "reset Accepted" in (change.detail or "")
    # (The device model read after the boot, GetBaseReport, runs in the background meanwhile.)
    sent = [a for a, _ in station.received_calls if a != "GetBaseReport"]
    assert sent[-3:] == ["SetNetworkProfile", "SetVariables", "Reset"]
    profile = station.responder.network_profiles[2]
    assert (profile["securityProfile"], profile["ocppCsmsUrl"]) == (2, tls.wss_url)
    priority = station.responder.variables[("OCPPCommCtrlr", "NetworkConfigurationPriority")]
    assert priority[0] == "2,1"
    assert await profile_of(tls, "CP-2") is SecurityProfile.BASIC_AUTH
    await station.close()
    secure = tls.wss("CP-2", "2.0.1")
    await secure.connect()
    await secure.boot()

    async def upgraded() -> bool:
        return await profile_of(tls, "CP-2") is SecurityProfile.TLS_BASIC_AUTH

    await eventually(upgraded)
    with pytest.raises(InvalidStatus):  # step 10-11: the old profile is refused from now on
        await tls.ws("CP-2", "2.0.1").connect()
    await secure.close()


async def test_an_upgrade_the_station_refuses_changes_nothing(tls: TlsGateway) -> None:
    station = tls.ws("CP-1", "1.6")
    await station.connect()
    await station.boot()
    station.responder.config["SecurityProfile"][1] = "ReadOnly"
    change = await tls.container.credentials.upgrade_profile(CP1, 2, "user:1")
    assert change.state is ChangeState.FAILED
    await station.reconnect()  # over ws://, as before: still allowed
    assert await profile_of(tls, "CP-1") is SecurityProfile.BASIC_AUTH
    with pytest.raises(InvalidInput):  # not an upgrade
        await tls.container.credentials.upgrade_profile(CP1, 1, "user:1")
    await station.close()


@pytest.mark.parametrize("answer", ["Failed", "Rejected"])
async def test_tc_b_44_csms_v201_network_profile_refused_changes_nothing(
    tls: TlsGateway, answer: str
) -> None:
    station = tls.ws("CP-2", "2.0.1")
    await station.connect()
    await station.boot()
    refused = Answer({"status": answer})
    station.responder.table = {
        **station.responder.table,
        "SetNetworkProfile": lambda _r, _p: refused,
    }
    change = await tls.container.credentials.upgrade_profile(
        StationId("CP-2"), 2, "user:1", csms_url=tls.wss_url, configuration_slot=2, fallback_slot=1
    )
    assert change.state is ChangeState.FAILED, change.detail
    assert change.detail == f"station answered {answer}"
    # Nothing follows the refused profile: no priority change, no reset.
    sent = [a for a, _ in station.received_calls if a != "GetBaseReport"]  # read after boot
    assert sent[-1] == "SetNetworkProfile" and "SetVariables" not in sent and "Reset" not in sent
    priority = station.responder.variables[("OCPPCommCtrlr", "NetworkConfigurationPriority")]
    assert priority[0] == "0"
    await station.reconnect()  # over ws://, as before: still allowed
    assert await profile_of(tls, "CP-2") is SecurityProfile.BASIC_AUTH
    assert await change_state(tls, change.id) is ChangeState.FAILED
    await station.close()


async def _certificate(container: Container, station_id: str, days_left: float) -> None:
    now = container.clock.now()
    cert = StationCertificate(
        station_id=station_id,
        serial_number=f"{abs(hash((station_id, days_left))):x}",
        subject=f"CN={station_id}",
        issuer="CN=Test station CA",
        not_before=now - timedelta(days=300),
        not_after=now + timedelta(days=days_left),
        fingerprint_sha256="00" * 32,
        use=CertificateUse.STATION,
        issued_at=now - timedelta(days=300),
        pem="-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    )
    await container.database.write(lambda uow: uow.certificates.add(cert))


async def test_tc_a_11_csms_certificates_close_to_expiry_are_renewed_and_alerted(
    tls: TlsGateway,
) -> None:
    container = tls.container
    one = tls.ws("CP-1", "1.6")
    await one.connect()
    await one.boot()
    two = tls.ws("CP-2", "2.0.1")
    await two.connect()
    await two.boot()
    await _certificate(container, "CP-1", 20)  # within the renewal window
    await _certificate(container, "CP-2", 3)  # within the alert window too
    await container.stations.add_station(StationId("CP-3"), PASSWORD)
    await _certificate(container, "CP-3", 5)  # never connected: cannot be asked
    await container.stations.add_station(StationId("CP-4"), PASSWORD)
    await _certificate(container, "CP-4", 200)  # far from expiry
    check = await container.credentials.check_renewals()
    assert sorted(check.asked) == ["CP-1", "CP-2"]
    assert check.failed == ["CP-3"]
    assert sorted(check.expiring) == ["CP-2", "CP-3"]
    # (Each station's configuration read after its boot may come before or after the ask.)
    asked_one = ("ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"})
    asked_two = ("TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"})
    assert asked_one in one.received_calls
    assert asked_two in two.received_calls
    events = await container.queries.security_events()
    kinds = {(e["kind"], e["station_id"]) for e in events}
    assert ("certificate_renewal_failed", "CP-3") in kinds
    assert ("certificate_expiring", "CP-2") in kinds
    assert ("certificate_expiring", "CP-1") not in kinds
    with container.engine.connect() as conn:  # the events webhooks and the stream get
        rows = conn.execute(select(outbox_events.c.type, outbox_events.c.station_id)).all()
    published = {(t, s) for t, s in rows if t.startswith("certificate.")}
    assert published == {
        ("certificate.expiring", "CP-2"),
        ("certificate.expiring", "CP-3"),
        ("certificate.renewal_failed", "CP-3"),
    }
    # Asked once a day: a second round right away asks nobody.
    again = await container.credentials.check_renewals()
    assert again.asked == again.failed == []
    await one.close()
    await two.close()
