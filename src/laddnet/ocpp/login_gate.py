"""The gate before the WebSocket upgrade: whether a connection may open at all.

In order: the connection-rate limit per source address, then the login (a throttled one if
the station id or address has failed too often, see throttle.py), then the connection-rate
limit per station id. The login is the station's password (profiles 1 and 2) or its verified
client certificate (profile 3), then its security profile and allowed networks
(listeners.py). A refusal is an HTTP answer, recorded as a security event where it is one; an
admitted connection's login is kept for the connection it opens (`login_of`), so one read
serves both.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from laddnet.domain.errors import StorageUnavailable, UnknownStation
from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp.connection_rate import ConnectionRateLimit
from laddnet.ocpp.errors import V16, V201
from laddnet.ocpp.listeners import certificate_login, login_refusal, transport_profile
from laddnet.ocpp.security import (
    MalformedHeader,
    Refusal,
    authorization_header,
    basic_credentials,
    choose_subprotocol,
    offered_subprotocols,
    station_id_from_path,
)
from laddnet.ocpp.throttle import LoginThrottle, throttled_login
from laddnet.services.bundle import Services
from laddnet.services.handlers.stations import StationLogin

SUPPORTED = (V201, V16)  # the subprotocols we speak, in order of preference
# (kind, station id, detail, connection): stores a security event (rate-limited by the caller).
RecordSecurity = Callable[[SecurityEventKind, str | None, str, ServerConnection], None]


class LoginGate:
    def __init__(self, services: Services, record: RecordSecurity) -> None:
        self._services = services
        self._record = record
        # A login checked before the upgrade, for the connection it opens.
        self._logins: weakref.WeakKeyDictionary[ServerConnection, StationLogin] = (
            weakref.WeakKeyDictionary()
        )
        settings = services.settings
        self._throttle = LoginThrottle(
            settings.login_failure_limit,
            settings.login_failure_limit_per_address,
            settings.login_failure_window,
        )
        self._rate = ConnectionRateLimit(
            settings.connection_rate_limit,
            settings.connection_rate_limit_per_address,
            settings.connection_rate_window,
        )

    def login_of(self, conn: ServerConnection) -> StationLogin | None:
        """The login that admitted this connection (once; None if none was checked)."""
        return self._logins.pop(conn, None)

    async def process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        """Connection-rate limits (connection_rate.py) around the login: per address before
        it, per station id after it succeeded; then the login."""
        refusal = self._rate.by_address(host_of(conn))
        if refusal is None:
            response = await self._process_login(conn, request)
            if response is not None or conn not in self._logins:
                return response
            refusal = self._rate.by_station(station_id_from_path(request.path))
            if refusal is None:
                return None
            self._logins.pop(conn, None)
        station_id = station_id_from_path(request.path)
        kind = refusal.event or SecurityEventKind.CONNECTION_RATE_LIMITED
        self._record(kind, station_id, refusal.detail or refusal.reason, conn)
        response = conn.respond(HTTPStatus(refusal.status), refusal.reason + "\n")
        response.headers["Retry-After"] = str(refusal.retry_after)
        return response

    async def _process_login(self, conn: ServerConnection, request: Request) -> Response | None:
        station_id = station_id_from_path(request.path)
        retry_after = self._throttle.applies(conn, station_id)
        if retry_after > 0:  # throttle.py: only the last verified password gets in
            stations = self._services.stations
            refusal, login = await throttled_login(stations, conn, request, station_id, retry_after)
            if login is not None:
                self._logins[conn] = login
        else:
            refusal = await self._check_login(conn, request)
            if refusal is not None and refusal.status == HTTPStatus.UNAUTHORIZED:
                self._throttle.failed(conn, station_id)
        if refusal is None:
            return None
        if refusal.event is not None:
            detail = refusal.detail or refusal.reason
            self._record(refusal.event, station_id_from_path(request.path), detail, conn)
        headers = Headers()
        if refusal.status == HTTPStatus.UNAUTHORIZED:
            headers["WWW-Authenticate"] = 'Basic realm="Laddnet OCPP", charset="UTF-8"'
        if refusal.retry_after is not None:
            headers["Retry-After"] = str(refusal.retry_after)
        response = conn.respond(HTTPStatus(refusal.status), refusal.reason + "\n")
        response.headers.update(headers)
        return response

    async def _check_login(self, conn: ServerConnection, request: Request) -> Refusal | None:
        station_id = station_id_from_path(request.path)
        if station_id is None:
            return Refusal(HTTPStatus.NOT_FOUND, "connect to /ocpp/{station_id}")
        offered = offered_subprotocols(request.headers.get_all("Sec-WebSocket-Protocol"))
        if choose_subprotocol(offered, SUPPORTED) is None:
            # OCPP-J: complete the handshake without Sec-WebSocket-Protocol, then close at
            # once (_handle closes a connection without a subprotocol); no login is checked.
            detail = "no supported OCPP subprotocol offered (ocpp1.6, ocpp2.0.1)"
            self._record(SecurityEventKind.UNSUPPORTED_SUBPROTOCOL, station_id, detail, conn)
            return None
        transport = transport_profile(conn)
        if transport is SecurityProfile.TLS_CLIENT_CERTIFICATE:
            refusal, cert_login = await certificate_login(self._services.stations, conn, station_id)
            if cert_login is not None:
                self._logins[conn] = cert_login
            return refusal
        try:
            header = authorization_header(request.headers.get_all("Authorization"))
        except MalformedHeader as exc:
            return Refusal(
                HTTPStatus.BAD_REQUEST, str(exc), SecurityEventKind.MALFORMED_CREDENTIALS
            )
        credentials = basic_credentials(header)
        if credentials is None:
            return Refusal(
                HTTPStatus.UNAUTHORIZED,
                "HTTP basic authentication required",
                SecurityEventKind.MISSING_CREDENTIALS,
            )
        username, password = credentials
        if username != station_id:
            return Refusal(
                HTTPStatus.UNAUTHORIZED, "unauthorized", SecurityEventKind.USERNAME_MISMATCH
            )
        try:
            login = await self._services.stations.authenticate(StationId(station_id), password)
        except UnknownStation:
            return Refusal(
                HTTPStatus.UNAUTHORIZED, "unauthorized", SecurityEventKind.UNKNOWN_STATION
            )
        except StorageUnavailable:
            return Refusal(HTTPStatus.SERVICE_UNAVAILABLE, "try again later")
        if login is None:
            return Refusal(
                HTTPStatus.UNAUTHORIZED, "unauthorized", SecurityEventKind.BAD_CREDENTIALS
            )
        refusal = login_refusal(login, conn)  # security profile, allowed networks
        if refusal is not None:
            return refusal
        self._logins[conn] = login
        return None


def host_of(conn: ServerConnection) -> str | None:
    address = conn.remote_address
    return str(address[0]) if address else None
