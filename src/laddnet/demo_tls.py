"""The demo's TLS side: a station CA, a server certificate, one station that logs in with its
client certificate (security profile 3) and one over TLS with a password Laddnet drew (profile
2, ADR 9), all made on first run in `laddnet-demo-pki/`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from laddnet.adapters.crypto.station_ca import (
    CaFiles,
    StationCa,
    csr_for,
    init_ca,
    issue_server_certificate,
    new_station_key,
)
from laddnet.bootstrap import Container
from laddnet.config import Settings
from laddnet.domain.errors import Conflict
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.security.certificates import RevocationReason, StationCertificate
from laddnet.domain.security.credentials import drawn_password
from laddnet.ports import SystemClock
from laddnet.sim.runner import simulate
from laddnet.sim.tls import client_context

DEMO_TLS_STATION = "DEMO-TLS-001"
DEMO_DRAWN_STATION = "DEMO-TLS-002"  # profile 2, with a password Laddnet drew
PKI_DIR = Path("laddnet-demo-pki")


@dataclass(frozen=True, slots=True)
class DemoTls:
    ca: CaFiles
    station_cert: str
    station_key: str
    issued: StationCertificate  # this run's certificate of the demo station
    directory: Path

    @property
    def drawn_password_file(self) -> Path:
        return self.directory / f"{DEMO_DRAWN_STATION}.password"


def prepare(settings: Settings, directory: Path = PKI_DIR) -> tuple[Settings, DemoTls]:
    """Make (or reuse) the demo PKI; the settings with TLS and the station CA turned on."""
    now = SystemClock().now()
    cert, key = directory / "station-ca.pem", directory / "station-ca.key"
    ca = CaFiles(str(cert), str(key)) if cert.exists() else init_ca(directory, "Demo CA", now)
    hosts = [settings.host, "localhost"]
    tls_cert, tls_key = issue_server_certificate(ca, hosts, directory, now, days=30)
    # A second, RSA, certificate: stations that offer only RSA cipher suites get it.
    rsa_cert, rsa_key = issue_server_certificate(ca, hosts, directory, now, days=30, rsa_key=True)
    station_key = new_station_key(directory / f"{DEMO_TLS_STATION}.key")
    issued = StationCa(ca, days=30).sign(
        DEMO_TLS_STATION, csr_for(DEMO_TLS_STATION, station_key), now
    )
    station_cert = directory / f"{DEMO_TLS_STATION}.pem"
    station_cert.write_text(issued.pem)
    updated = settings.model_copy(
        update={
            "tls_cert": tls_cert,
            "tls_key": tls_key,
            "tls_cert_2": rsa_cert,
            "tls_key_2": rsa_key,
            "station_ca": ca.cert,
            "ca_cert": ca.cert,
            "ca_key": ca.key,
        }
    )
    return updated, DemoTls(ca, str(station_cert), station_key, issued, directory)


async def seed(container: Container, demo: DemoTls, site: SiteId, actor: str) -> str:
    """The profile-3 demo station, and the certificate issued to it in its inventory; the
    certificates earlier demo runs issued to it are revoked as superseded (refused from now).
    Then the profile-2 station: its drawn password is returned (kept next to the PKI)."""
    await _seed_certificate_station(container, demo, site, actor)
    return await _seed_drawn_station(container, demo, site, actor)


async def _seed_drawn_station(container: Container, demo: DemoTls, site: SiteId, actor: str) -> str:
    station, file = StationId(DEMO_DRAWN_STATION), demo.drawn_password_file
    if await container.queries.station(station) is None:
        _, password = await container.station_admin.register_station_drawing_password(
            station, actor=actor, site_id=site, security_profile=2
        )
        _write_secret(file, password)
    elif (kept := _read_secret(file)) is not None:  # seeded by an earlier demo run
        password = kept
    else:  # its file is gone: a new password, given as an operator would (argon2id)
        password = drawn_password()
        await container.station_admin.update_station(station, actor=actor, password=password)
        _write_secret(file, password)
    return password


async def with_revocation_list(container: Container, settings: Settings, demo: DemoTls) -> Settings:
    """Write the station CA's revocation list (the certificates earlier demo runs issued,
    revoked by `seed`) beside the PKI; the settings with it as LADDNET_STATION_CRL, so that
    those certificates fail the TLS handshake itself."""
    pem, _ = await container.certificates.revocation_list(days=30)
    crl = demo.directory / "station-crl.pem"
    crl.write_text(pem)
    return settings.model_copy(update={"station_crl": str(crl)})


def _read_secret(file: Path) -> str | None:
    return file.read_text().strip() if file.exists() else None


def _write_secret(file: Path, secret: str) -> None:
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secret + "\n")


async def _seed_certificate_station(
    container: Container, demo: DemoTls, site: SiteId, actor: str
) -> None:
    station = StationId(DEMO_TLS_STATION)
    with contextlib.suppress(Conflict):  # seeded by an earlier demo run
        await container.station_admin.register_station(
            station, None, actor=actor, site_id=site, security_profile=3
        )
    await container.database.write(lambda uow: uow.certificates.add(demo.issued))
    for older in await container.certificates.inventory(station):
        if older.serial_number != demo.issued.serial_number and older.revoked_at is None:
            reason = RevocationReason.SUPERSEDED
            await container.certificates.revoke(station, older.serial_number, reason, actor)


def banner(settings: Settings, demo: DemoTls) -> str:
    host = settings.host
    return (
        f"  OCPP TLS:   wss://{host}:{settings.ocpp_tls_port}/ocpp/ID (profile 2),"
        f" wss://{host}:{settings.ocpp_mtls_port}/ocpp/ID (profile 3)\n"
        f"              server certificates: ECDSA {settings.tls_cert} and RSA"
        f" {settings.tls_cert_2} (each station gets the one its cipher suites accept)\n"
        f"              {DEMO_TLS_STATION} logs in with {demo.station_cert};"
        f" CA in {demo.ca.cert}\n"
        f"              {DEMO_DRAWN_STATION} (profile 2) with the password Laddnet drew for"
        f" it (ADR 9), in {demo.drawn_password_file}\n"
        f"  Revoked:    earlier runs' certificates of {DEMO_TLS_STATION} are revoked and listed"
        f" in {settings.station_crl}\n"
        f"              (refused in the handshake; after revoking another: laddnet ca crl --out"
        f" that file)\n"
    )


async def charge_over_tls(
    settings: Settings, demo: DemoTls, password: str, tags: tuple[str, ...]
) -> None:
    """The profile-3 station (2.0.1, its certificate) and the profile-2 one (1.6, its drawn
    password) charging until cancelled."""
    host = settings.host
    mutual = client_context(demo.ca.cert, demo.station_cert, demo.station_key)
    await asyncio.gather(
        simulate(
            f"wss://{host}:{settings.ocpp_mtls_port}/ocpp",
            [DEMO_TLS_STATION],
            "",
            "2.0.1",
            meter_interval=5,
            id_tags=tags,
            ssl_context=mutual,
        ),
        simulate(
            f"wss://{host}:{settings.ocpp_tls_port}/ocpp",
            [DEMO_DRAWN_STATION],
            password,
            "1.6",
            meter_interval=5,
            id_tags=tags,
            ssl_context=client_context(demo.ca.cert),
        ),
    )
