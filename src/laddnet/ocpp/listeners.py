"""The gateway's listeners by security profile: plain ws:// (1), TLS (2) and mutual TLS (3), and
the login checks that depend on which one a station came in on.

A connection's transport profile is read from its socket: no TLS is profile 1, TLS without a
client certificate profile 2, TLS with a verified client certificate profile 3 (only the
mutual-TLS listener asks for one, and its handshake fails without a valid one).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol

from laddnet.adapters.crypto.peer_certificate import issuer_and_serial
from laddnet.config import Settings
from laddnet.domain.errors import StorageUnavailable, UnknownStation
from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.networks import address_allowed
from laddnet.domain.security.profiles import SecurityProfile, allows, downgrade_reason
from laddnet.ocpp.security import Refusal
from laddnet.ocpp.tls import ReloadingContext, TlsFiles, TlsFilesUnusable, share_read_buffers
from laddnet.services.handlers.stations import StationLogin, StationService


class _HasTransport(Protocol):
    @property
    def transport(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class TlsListener:
    profile: SecurityProfile
    port: int
    context: ReloadingContext


def tls_listeners(settings: Settings) -> list[TlsListener]:
    """The TLS listeners the settings ask for (none without a server certificate)."""
    if settings.tls_cert is None or settings.tls_key is None:
        return []
    share_read_buffers()
    second = (
        (settings.tls_cert_2, settings.tls_key_2)
        if settings.tls_cert_2 is not None and settings.tls_key_2 is not None
        else None
    )
    listeners = [
        TlsListener(
            SecurityProfile.TLS_BASIC_AUTH,
            settings.ocpp_tls_port,
            _context(TlsFiles(settings.tls_cert, settings.tls_key, second=second)),
        )
    ]
    if settings.station_ca is not None:
        files = TlsFiles(
            settings.tls_cert,
            settings.tls_key,
            settings.station_ca,
            settings.station_crl,
            second=second,
        )
        listeners.append(
            TlsListener(
                SecurityProfile.TLS_CLIENT_CERTIFICATE,
                settings.ocpp_mtls_port,
                _context(files),
            )
        )
    return listeners


def _context(files: TlsFiles) -> ReloadingContext:
    try:
        return ReloadingContext(files)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        paths = ", ".join(files.paths())
        raise TlsFilesUnusable(f"the TLS files do not load ({paths}): {exc}") from None


def _ssl_object(conn: _HasTransport) -> ssl.SSLObject | None:
    transport = conn.transport
    return transport.get_extra_info("ssl_object") if transport is not None else None  # type: ignore[no-any-return]


def transport_profile(conn: _HasTransport) -> SecurityProfile:
    sslobj = _ssl_object(conn)
    if sslobj is None:
        return SecurityProfile.BASIC_AUTH
    if sslobj.getpeercert():
        return SecurityProfile.TLS_CLIENT_CERTIFICATE
    return SecurityProfile.TLS_BASIC_AUTH


def certificate_common_name(conn: _HasTransport) -> str | None:
    """The subject CN of the connection's verified client certificate (None without one)."""
    sslobj = _ssl_object(conn)
    cert = sslobj.getpeercert() if sslobj is not None else None
    if not cert:
        return None
    subject: Any = cert.get("subject", ())
    for rdn in subject:
        for name, value in rdn:
            if name == "commonName":
                return str(value)
    return None


def certificate_identity(conn: _HasTransport) -> tuple[str, str] | None:
    """The (issuer, serial number) of the connection's client certificate, as the certificate
    inventory writes them (None without one)."""
    sslobj = _ssl_object(conn)
    der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    return issuer_and_serial(der) if der else None


def login_refusal(login: StationLogin, conn: _HasTransport) -> Refusal | None:
    """A refusal if the station may not use this connection: a lower security profile than its
    own, or an address outside its allowed networks."""
    downgrade = downgrade_refusal(login, transport_profile(conn))
    if downgrade is not None:
        return downgrade
    transport = conn.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    address = str(peer[0]) if peer else None
    if address_allowed(address, login.allowed_networks):
        return None
    return Refusal(
        HTTPStatus.FORBIDDEN,
        "not allowed from this network",
        SecurityEventKind.NETWORK_NOT_ALLOWED,
        detail=f"{address} is outside the station's allowed networks",
    )


def downgrade_refusal(login: StationLogin, transport: SecurityProfile) -> Refusal | None:
    """A refusal if the station's own profile is higher than the connection's."""
    if allows(login.security_profile, transport):
        return None
    return Refusal(
        HTTPStatus.FORBIDDEN,
        f"security profile {int(login.security_profile)} required",
        SecurityEventKind.SECURITY_PROFILE_DOWNGRADE,
        detail=downgrade_reason(login.security_profile, transport),
    )


async def certificate_login(
    stations: StationService, conn: _HasTransport, station_id: str
) -> tuple[Refusal | None, StationLogin | None]:
    """Profile 3: the verified client certificate must name the station (subject CN equal to
    the station id in the URL, OCPP A00.FR.405) and not be revoked in the certificate
    inventory (checked in the login's one read); no password is asked."""
    common_name = certificate_common_name(conn)
    if common_name != station_id:
        detail = f"client certificate CN {common_name!r} is not the station id"
        refusal = Refusal(
            HTTPStatus.FORBIDDEN,
            "certificate does not match the station",
            SecurityEventKind.CERTIFICATE_MISMATCH,
            detail=detail,
        )
        return refusal, None
    identity = certificate_identity(conn)
    try:
        login = await stations.certificate_login(StationId(station_id), identity)
    except UnknownStation:
        return Refusal(
            HTTPStatus.UNAUTHORIZED, "unauthorized", SecurityEventKind.UNKNOWN_STATION
        ), None
    except StorageUnavailable:
        return Refusal(HTTPStatus.SERVICE_UNAVAILABLE, "try again later"), None
    if login.certificate_revoked and identity is not None:
        issuer, serial = identity
        refusal = Refusal(
            HTTPStatus.FORBIDDEN,
            "forbidden",  # the station learns nothing of why
            SecurityEventKind.CERTIFICATE_REVOKED,
            detail=f"client certificate {serial} of {issuer} is revoked",
        )
        return refusal, None
    refused = login_refusal(login, conn)
    return (refused, None) if refused is not None else (None, login)
