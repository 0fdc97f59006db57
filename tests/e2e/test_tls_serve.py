"""`laddnet serve` with LADDNET_TLS_CERT, LADDNET_TLS_KEY and LADDNET_STATION_CA: stations
registered from the CLI with a security profile, and `laddnet simulate` connecting over wss://
with a client certificate, as an operator would try it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.conftest import PASSWORD, Laddnet, Servers, free_port, one_line_error
from tests.pki import issue, make_ca


@dataclass
class TlsLaddnet(Laddnet):
    tls_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return super().env | self.tls_env


def _installation(tmp_path: Path) -> tuple[TlsLaddnet, Path]:
    server_ca, station_ca = make_ca("e2e server CA"), make_ca("e2e station CA")
    (tmp_path / "server-ca.pem").write_bytes(server_ca.pem())
    (tmp_path / "station-ca.pem").write_bytes(station_ca.pem())
    issue(server_ca, "localhost", server=True).write(tmp_path, "server")
    issue(station_ca, "MTLS-0001").write(tmp_path, "mtls-0001")
    tls_port, mtls_port = free_port(), free_port()
    laddnet = TlsLaddnet(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    laddnet.tls_env = {
        "LADDNET_TLS_CERT": str(tmp_path / "server.pem"),
        "LADDNET_TLS_KEY": str(tmp_path / "server.key"),
        "LADDNET_STATION_CA": str(tmp_path / "station-ca.pem"),
        "LADDNET_OCPP_TLS_PORT": str(tls_port),
        "LADDNET_OCPP_MTLS_PORT": str(mtls_port),
    }
    return laddnet, tmp_path


async def test_stations_of_profiles_2_and_3_simulated_over_tls(
    tmp_path: Path, servers: Servers
) -> None:
    laddnet, pki = _installation(tmp_path)
    await laddnet.aok(
        "station", "add", "TLS-0001", "--password", PASSWORD, "--security-profile", "2"
    )
    await laddnet.aok("station", "add", "MTLS-0001", "--security-profile", "3")
    server = await servers.start(laddnet)
    assert f"wss://127.0.0.1:{laddnet.tls_env['LADDNET_OCPP_MTLS_PORT']}" in server.output()

    tls_url = f"wss://127.0.0.1:{laddnet.tls_env['LADDNET_OCPP_TLS_PORT']}/ocpp"
    mtls_url = f"wss://127.0.0.1:{laddnet.tls_env['LADDNET_OCPP_MTLS_PORT']}/ocpp"
    ca = str(pki / "server-ca.pem")
    common = ("--stations", "1", "--duration", "2", "--ca-file", ca)
    over_tls = await laddnet.aok(
        "simulate", "--url", tls_url, "--password", PASSWORD, "--id-prefix", "TLS-", *common
    )
    assert "boots_accepted=1" in over_tls, over_tls
    cert, key = str(pki / "mtls-0001.pem"), str(pki / "mtls-0001.key")
    with_cert = await laddnet.aok(
        "simulate", "--url", mtls_url, "--password", "not-used-on-profile-3",
        "--id-prefix", "MTLS-", "--cert", cert, "--key", key, *common,
    )  # fmt: skip
    assert "boots_accepted=1" in with_cert, with_cert
    # The profile-2 station over plain ws:// is refused: it never boots.
    plain = await laddnet.aok(
        "simulate", "--url", laddnet.ocpp_url, "--password", PASSWORD, "--id-prefix", "TLS-",
        "--stations", "1", "--duration", "2",
    )  # fmt: skip
    assert "boots_accepted=0" in plain, plain


async def test_station_add_and_set_profile_from_the_cli(tmp_path: Path) -> None:
    laddnet, _ = _installation(tmp_path)
    missing = await laddnet.arun("station", "add", "CP-2", "--security-profile", "2")
    needed = "--password or --generate-password is needed for security profile 2"
    assert needed in one_line_error(missing.stderr)
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    out = await laddnet.aok("station", "set", "CP-1", "--security-profile", "3")
    assert out.strip() == "station CP-1: security profile 3; connects from anywhere"
    out = await laddnet.aok("station", "set", "CP-1", "--allowed-networks", "10.0.0.0/8, ::1")
    assert out.strip().endswith("connects from 10.0.0.0/8, ::1/128")
    bad = await laddnet.arun("station", "set", "CP-1", "--allowed-networks", "10.0.0.1/8")
    assert "'10.0.0.1/8' is not a network in CIDR form" in one_line_error(bad.stderr)
    unknown = await laddnet.arun("station", "set", "CP-9", "--security-profile", "2")
    assert "station CP-9 does not exist" in one_line_error(unknown.stderr)


async def test_ca_init_makes_a_station_ca_once_and_certificates_lists_none(
    tmp_path: Path,
) -> None:
    laddnet, _ = _installation(tmp_path)
    out = await laddnet.aok("ca", "init", "--dir", str(tmp_path / "ca"), "--name", "Our CA")
    lines = out.strip().splitlines()
    assert f"LADDNET_CA_KEY={tmp_path / 'ca' / 'station-ca.key'}" in lines
    assert oct((tmp_path / "ca" / "station-ca.key").stat().st_mode & 0o777) == "0o600"
    again = await laddnet.arun("ca", "init", "--dir", str(tmp_path / "ca"))
    assert "already holds a station CA" in one_line_error(again.stderr)
    await laddnet.aok("station", "add", "CP-1", "--password", PASSWORD)
    listed = await laddnet.aok("station", "certificates", "CP-1")
    assert listed.strip().splitlines()[-1] == "0 certificates"

    no_ca = await laddnet.arun("ca", "crl")
    assert "no station CA is configured" in one_line_error(no_ca.stderr)
    laddnet.extra_env |= {
        "LADDNET_CA_CERT": str(tmp_path / "ca" / "station-ca.pem"),
        "LADDNET_CA_KEY": str(tmp_path / "ca" / "station-ca.key"),
    }
    crl = tmp_path / "station-crl.pem"
    out = await laddnet.aok("ca", "crl", "--out", str(crl), "--days", "2")
    assert out.strip() == f"{crl}: 0 revoked certificates, valid 2 days"
    assert (await asyncio.to_thread(crl.read_text)).startswith("-----BEGIN X509 CRL-----")
    assert not crl.with_name("station-crl.pem.partial").exists()
    assert (await laddnet.aok("ca", "crl")).startswith("-----BEGIN X509 CRL-----")  # stdout
