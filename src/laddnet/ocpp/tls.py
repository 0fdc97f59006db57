"""TLS for stations (security profiles 2 and 3): server contexts restricted to what the OCPP
security specifications allow, re-read from their files whenever these change.

- TLS 1.2 and 1.3 only (1.6 security whitepaper A00.FR.312/416; 2.0.1 A00.FR.310).
- TLS 1.2 cipher suites: the four the whitepaper requires of a CSMS (A00.FR.317/421), plus the
  ECDHE-RSA forms of the same AEAD ciphers (forward secrecy for RSA certificates); TLS 1.3 uses
  OpenSSL's AEAD suites. No TLS compression (A00.FR.320/424).
- Profile 3: a client certificate is required and must chain to the station CA (and not be on
  its revocation list); expired, unknown and revoked certificates fail the TLS handshake,
  before any HTTP. Whether its subject names the station is checked at the upgrade request.

Files are checked at every TLS handshake (one `stat` each): when one changed, a new context is
built and used from that handshake on; if the new files do not load (a renewal half-written),
the previous context stays and a warning is logged.
"""

from __future__ import annotations

import asyncio.sslproto
import logging
import os
import ssl
import threading
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from laddnet.domain.errors import LaddnetError

log = logging.getLogger(__name__)

TLS12_CIPHERS = ":".join(
    [
        "ECDHE-ECDSA-AES128-GCM-SHA256",  # TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        "ECDHE-ECDSA-AES256-GCM-SHA384",  # TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "AES128-GCM-SHA256",  # TLS_RSA_WITH_AES_128_GCM_SHA256
        "AES256-GCM-SHA384",  # TLS_RSA_WITH_AES_256_GCM_SHA384
    ]
)


# asyncio gives every TLS connection its own read buffer of SSLProtocol.max_size (256 KiB),
# zero-filled and so resident: 2.5 GiB for 10,000 stations. The buffer holds bytes only from a
# socket read to their hand-over to OpenSSL (`get_buffer`, the read, then `buffer_updated`, in one
# synchronous step of the event loop), so one buffer per thread serves all its connections. A
# TLS record carries at most 16 KiB, and a read of 32 KiB takes two; larger messages are simply
# read in more calls.
TLS_READ_BUFFER = 32 * 1024
_buffers = threading.local()


class SharedReadBuffer(asyncio.sslproto.SSLProtocol):
    """asyncio's TLS protocol, reading into its thread's one buffer instead of its own."""

    max_size = TLS_READ_BUFFER

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared: tuple[bytearray, memoryview] | None = getattr(_buffers, "shared", None)
        if shared is None:
            buffer = bytearray(TLS_READ_BUFFER)
            shared = _buffers.shared = (buffer, memoryview(buffer))
        self._ssl_buffer, self._ssl_buffer_view = shared


def share_read_buffers() -> None:
    """TLS connections made from now on in this process read into one buffer per thread."""
    asyncio.sslproto.SSLProtocol = SharedReadBuffer  # type: ignore[misc]


class TlsFilesUnusable(LaddnetError):
    """The TLS certificate, key or CA files given at start do not load."""


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: str
    key: str
    station_ca: str | None = None  # set: client certificates are required (profile 3)
    crl: str | None = None
    second: tuple[str, str] | None = None  # a certificate and key of the other key type

    def paths(self) -> tuple[str, ...]:
        files = (self.cert, self.key, self.station_ca, self.crl, *(self.second or ()))
        return tuple(p for p in files if p)


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """A server context for these files (ssl.SSLError or OSError if they do not load)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_ciphers(TLS12_CIPHERS)
    ctx.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE
    ctx.load_cert_chain(files.cert, files.key)
    if files.second is not None:
        # OpenSSL keeps one certificate per key type and picks, in each handshake, the one the
        # station's cipher suites and signature algorithms accept. A second of the same type
        # would silently replace the first.
        if _key_type(files.second[0]) == _key_type(files.cert):
            raise ValueError("the second server certificate must have the other key type")
        ctx.load_cert_chain(*files.second)
    if files.station_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=files.station_ca)
        if files.crl is not None:
            ctx.load_verify_locations(cafile=files.crl)
            ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    else:
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


class ReloadingContext:
    """The context a listener is created with; at each handshake it hands the connection the
    newest context built from the files (see the module docstring)."""

    def __init__(self, files: TlsFiles) -> None:
        self._files = files
        self._stamp = _stamp(files)
        self.current = server_context(files)
        self.listener = server_context(files)  # settings the handshake starts with
        self.listener.sni_callback = self._on_client_hello
        self.reloads = 0

    def refresh(self) -> ssl.SSLContext:
        try:
            stamp = _stamp(self._files)
        except OSError as exc:
            log.warning("TLS files unreadable (%s); keeping the loaded ones", exc.strerror)
            return self.current
        if stamp != self._stamp:
            try:
                self.current = server_context(self._files)
            except (OSError, ssl.SSLError, ValueError) as exc:
                log.warning("TLS files changed but do not load (%s); keeping the loaded ones", exc)
                return self.current
            self._stamp = stamp
            self.reloads += 1
            log.info("TLS files changed: loaded again (%s)", ", ".join(self._files.paths()))
        return self.current

    def _on_client_hello(
        self, conn: ssl.SSLObject | ssl.SSLSocket, _server_name: str | None, _ctx: ssl.SSLContext
    ) -> None:
        conn.context = self.refresh()


def _key_type(cert_file: str) -> str:
    """The public key's type of the first certificate in a PEM file: RSA, EC or another."""
    with open(cert_file, "rb") as f:
        key = x509.load_pem_x509_certificate(f.read()).public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA"
    return "EC" if isinstance(key, ec.EllipticCurvePublicKey) else type(key).__name__


def _stamp(files: TlsFiles) -> tuple[tuple[int, int], ...]:
    stats = [os.stat(p) for p in files.paths()]
    return tuple((s.st_mtime_ns, s.st_size) for s in stats)
