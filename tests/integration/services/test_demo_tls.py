"""The demo's TLS side: its PKI is made once and reused, its profile-3 station is seeded with
the certificate issued to it, and that station really logs in over mutual TLS."""

from __future__ import annotations

import shutil
import ssl
from pathlib import Path

import pytest
from websockets.exceptions import InvalidMessage

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.demo import DEMO_ACTOR, DEMO_SITE, seed
from laddnet.demo_tls import DEMO_DRAWN_STATION, DEMO_TLS_STATION, prepare, with_revocation_list
from laddnet.demo_tls import seed as seed_tls
from laddnet.domain.ids import StationId
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp.server import Gateway
from laddnet.sim.station import SimStation
from laddnet.sim.tls import client_context


async def test_demo_station_logs_in_by_certificate(database_url: str, tmp_path: Path) -> None:
    base = Settings(database_url=database_url, ocpp_tls_port=0, ocpp_mtls_port=0)
    _, first = prepare(base, tmp_path / "pki")
    ca_before = (tmp_path / "pki" / "station-ca.pem").read_bytes()
    settings, demo = prepare(base, tmp_path / "pki")  # a second run keeps the CA
    assert (tmp_path / "pki" / "station-ca.pem").read_bytes() == ca_before
    container = build(settings)
    gateway = Gateway(container)
    try:
        await seed(container, 1)
        await seed_tls(container, first, DEMO_SITE, DEMO_ACTOR)  # an earlier demo run
        await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR)
        await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR)  # idempotent registration
        await gateway.start(host="127.0.0.1", port=0)
        port = gateway.tls_port(SecurityProfile.TLS_CLIENT_CERTIFICATE)
        context = client_context(demo.ca.cert, demo.station_cert, demo.station_key)
        station = SimStation(
            f"wss://localhost:{port}/ocpp", DEMO_TLS_STATION, None, "2.0.1", ssl_context=context
        )
        await station.connect()
        try:
            assert (await station.boot())["status"] == "Accepted"
        finally:
            await station.close()
        found = await container.queries.station(StationId(DEMO_TLS_STATION))
        assert found is not None
        assert found.security_profile is SecurityProfile.TLS_CLIENT_CERTIFICATE
        issued = await container.certificates.inventory(StationId(DEMO_TLS_STATION))
        revoked = {c.serial_number: c.revoked_at is not None for c in issued}
        # This run's certificate logs in; the earlier run's is revoked as superseded.
        assert revoked == {demo.issued.serial_number: False, first.issued.serial_number: True}
    finally:
        await gateway.stop()
        await container.aclose()


async def test_demo_profile_2_station_logs_in_with_its_drawn_password(
    database_url: str, tmp_path: Path
) -> None:
    """The drawn password is kept next to the PKI (owner-only) and reused by later runs; a
    later run without that file gives the station a new password instead of losing it."""
    base = Settings(database_url=database_url, ocpp_tls_port=0, ocpp_mtls_port=0)
    settings, demo = prepare(base, tmp_path / "pki")
    container = build(settings)
    gateway = Gateway(container)
    try:
        await seed(container, 1)
        password = await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR)
        assert await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR) == password  # reused
        assert demo.drawn_password_file.stat().st_mode & 0o077 == 0
        station_id = StationId(DEMO_DRAWN_STATION)
        stored = await container.database.read(lambda uow: uow.stations.credentials(station_id))
        assert stored is not None
        assert stored.password_hash.startswith("$hmac-sha256$")
        await gateway.start(host="127.0.0.1", port=0)
        port = gateway.tls_port(SecurityProfile.TLS_BASIC_AUTH)
        context = client_context(demo.ca.cert)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")  # the demo's RSA certificate serves it
        station = SimStation(
            f"wss://localhost:{port}/ocpp", DEMO_DRAWN_STATION, password, "1.6", ssl_context=context
        )
        await station.connect()
        try:
            assert (await station.boot())["status"] == "Accepted"
        finally:
            await station.close()
        found = await container.queries.station(station_id)
        assert found is not None
        assert found.security_profile is SecurityProfile.TLS_BASIC_AUTH

        demo.drawn_password_file.unlink()
        again = await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR)
        assert again != password
        assert demo.drawn_password_file.read_text().strip() == again
        assert await container.stations.authenticate(station_id, again)
        assert not await container.stations.authenticate(station_id, password)
    finally:
        await gateway.stop()
        await container.aclose()


async def test_demo_revocation_list_refuses_an_earlier_runs_certificate(
    database_url: str, tmp_path: Path
) -> None:
    base = Settings(database_url=database_url, ocpp_tls_port=0, ocpp_mtls_port=0)
    _, first = prepare(base, tmp_path / "pki")
    old_cert, old_key = tmp_path / "old.pem", tmp_path / "old.key"  # the next run replaces them
    shutil.copy(first.station_cert, old_cert)
    shutil.copy(first.station_key, old_key)
    settings, demo = prepare(base, tmp_path / "pki")
    container = build(settings)
    try:
        await seed(container, 1)
        await seed_tls(container, first, DEMO_SITE, DEMO_ACTOR)
        await seed_tls(container, demo, DEMO_SITE, DEMO_ACTOR)  # revokes the first run's
        settings = await with_revocation_list(container, settings, demo)
    finally:
        await container.aclose()
    assert settings.station_crl == str(tmp_path / "pki" / "station-crl.pem")
    container = build(settings)
    gateway = Gateway(container)
    try:
        await gateway.start(host="127.0.0.1", port=0)
        url = f"wss://localhost:{gateway.tls_port(SecurityProfile.TLS_CLIENT_CERTIFICATE)}/ocpp"
        old = client_context(demo.ca.cert, str(old_cert), str(old_key))
        refused = SimStation(url, DEMO_TLS_STATION, None, "2.0.1", ssl_context=old)
        with pytest.raises((ssl.SSLError, OSError, InvalidMessage)):
            await refused.connect()
        current = client_context(demo.ca.cert, demo.station_cert, demo.station_key)
        station = SimStation(url, DEMO_TLS_STATION, None, "2.0.1", ssl_context=current)
        await station.connect()
        try:
            assert (await station.boot())["status"] == "Accepted"
        finally:
            await station.close()
    finally:
        await gateway.stop()
        await container.aclose()
