"""The gateway's TLS contexts allow only what the OCPP security specifications allow, and are
built again when their files change (real files, real contexts; no network)."""

from __future__ import annotations

import asyncio
import asyncio.sslproto
import os
import ssl
import tracemalloc
from pathlib import Path

import pytest

from laddnet.ocpp.tls import (
    TLS_READ_BUFFER,
    ReloadingContext,
    TlsFiles,
    server_context,
    share_read_buffers,
)
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


def test_a_second_certificate_must_have_the_other_key_type(files: TlsFiles, tmp_path: Path) -> None:
    ca = make_ca("unit CA 2")
    same = issue(ca, "localhost", server=True).write(tmp_path, "second-ec")
    other = issue(ca, "localhost", server=True, rsa_key=True).write(tmp_path, "second-rsa")
    with pytest.raises(ValueError, match="other key type"):
        server_context(TlsFiles(files.cert, files.key, second=(str(same[0]), str(same[1]))))
    both = TlsFiles(files.cert, files.key, second=(str(other[0]), str(other[1])))
    assert server_context(both).verify_mode is ssl.CERT_NONE
    assert str(other[0]) in both.paths()  # re-read when it changes, as the others are


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


async def test_tls_connections_share_one_read_buffer_and_still_carry_large_messages(
    files: TlsFiles, tmp_path: Path
) -> None:
    """asyncio's own 256 KiB read buffer per connection (2.5 GiB for 10,000 stations) is
    replaced by one 32 KiB buffer for all; messages far larger than that, sent on many
    connections at once, still arrive whole and unmixed, read in several parts."""
    share_read_buffers()
    assert asyncio.sslproto.SSLProtocol.max_size == TLS_READ_BUFFER == 32 * 1024
    plain = server_context(TlsFiles(files.cert, files.key))
    received: list[bytes] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = await reader.readexactly(300_000)
        received.append(data)
        writer.write(data)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0, ssl=plain)
    port = server.sockets[0].getsockname()[1]
    client = ssl.create_default_context(cafile=files.station_ca)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        host = "localhost"
        opened = [
            await asyncio.open_connection("127.0.0.1", port, ssl=client, server_hostname=host)
            for _ in range(10)
        ]
        per_connection = (tracemalloc.get_traced_memory()[0] - before) / 10
    finally:
        tracemalloc.stop()
    # Both ends of each connection are in this process: neither holds a buffer of its own.
    assert per_connection < TLS_READ_BUFFER, per_connection
    buffers = {id(w.transport._ssl_protocol._ssl_buffer) for _, w in opened}  # type: ignore[attr-defined]
    assert len(buffers) == 1
    messages = [os.urandom(300_000) for _ in opened]
    for (_, writer), message in zip(opened, messages, strict=True):
        writer.write(message)

    async def back(reader: asyncio.StreamReader) -> bytes:
        return await reader.readexactly(300_000)

    assert await asyncio.gather(*(back(r) for r, _ in opened)) == messages
    assert sorted(received) == sorted(messages)
    for _, w in opened:
        w.close()
    server.close()
    await server.wait_closed()
