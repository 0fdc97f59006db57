"""The gateway's TLS contexts allow only what the OCPP security specifications allow, and are
built again when their files change (real files, real contexts; no network)."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pytest

from laddnet.ocpp.tls import ReloadingContext, TlsFiles, server_context
from tests.pki import issue, make_ca


@pytest.fixture
def files(tmp_path: Path) -> TlsFiles:
    ca = make_ca("unit CA")
    cert, key = issue(ca, "localhost", server=True).write(tmp_path, "server")
    (tmp_path / "ca.pem").write_bytes(ca.pem())
    return TlsFiles(str(cert), str(key), str(tmp_path / "ca.pem"))


def test_only_tls_1_2_and_1_3(files: TlsFiles) -> None:
    ctx = server_context(files)
    assert ctx.minimum_version is ssl.TLSVersion.TLSv1_2
    assert ctx.maximum_version is ssl.TLSVersion.TLSv1_3
    assert ctx.options & ssl.OP_NO_COMPRESSION


def test_tls_1_2_suites_are_the_ocpp_ones_and_aead_only(files: TlsFiles) -> None:
    names = {c["name"] for c in server_context(files).get_ciphers() if c["protocol"] == "TLSv1.2"}
    required = {  # 1.6 security whitepaper A00.FR.317, 2.0.1 A00.FR.318
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "AES128-GCM-SHA256",
        "AES256-GCM-SHA384",
    }
    assert required <= names
    assert all("GCM" in name for name in names), names


def test_client_certificates_required_only_with_a_station_ca(files: TlsFiles) -> None:
    assert server_context(files).verify_mode is ssl.CERT_REQUIRED
    plain = TlsFiles(files.cert, files.key)
    assert server_context(plain).verify_mode is ssl.CERT_NONE


def test_changed_files_are_loaded_again_and_broken_ones_are_not(
    files: TlsFiles, tmp_path: Path
) -> None:
    reloading = ReloadingContext(files)
    first = reloading.refresh()
    assert reloading.refresh() is first  # nothing changed: the same context
    issue(make_ca("renewed CA"), "localhost", server=True).write(tmp_path, "server")
    os.utime(files.cert, ns=(1, 1))  # a different stamp even within one clock tick
    renewed = reloading.refresh()
    assert renewed is not first
    assert reloading.reloads == 1
    Path(files.key).write_text("half a key")
    assert reloading.refresh() is renewed  # kept: the new files do not load
