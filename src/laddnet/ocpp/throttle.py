"""Failed station logins throttled per station id and per source address, without locking the
real station out.

A station id with `login_failure_limit` failed logins (401) within `login_failure_window`
seconds, or an address with `login_failure_limit_per_address`, is throttled: its logins no
longer get a password verification (argon2, the costly part) and are answered 429 with
Retry-After, unless the password is the one this process last verified for the station (a
cheap comparison): the real station, which has logged in before, still gets in while someone
else guesses. Certificate logins (profile 3) are
not throttled: there is no password to guess.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from http import HTTPStatus

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request

from laddnet.domain.errors import StorageUnavailable
from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.domain.security.throttle import FailureWindow
from laddnet.ocpp.listeners import login_refusal, transport_profile
from laddnet.ocpp.security import (
    MalformedHeader,
    Refusal,
    authorization_header,
    basic_credentials,
)
from laddnet.services.handlers.stations import StationLogin, StationService


class LoginThrottle:
    def __init__(
        self,
        limit: int,
        limit_per_address: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ids = FailureWindow(limit, window)
        self._addresses = FailureWindow(limit_per_address, window)
        self._clock = clock

    def applies(self, conn: ServerConnection, station_id: str | None) -> float:
        """Seconds to wait if this login is throttled (by its station id or its address), else
        0. Certificate logins never are."""
        if transport_profile(conn) is SecurityProfile.TLS_CLIENT_CERTIFICATE:
            return 0.0
        now = self._clock()
        by_address = self._addresses.retry_after(_host(conn), now)
        return max(by_address, self._ids.retry_after(station_id, now) if station_id else 0.0)

    def failed(self, conn: ServerConnection, station_id: str | None) -> None:
        now = self._clock()
        self._addresses.failed(_host(conn), now)
        if station_id:
            self._ids.failed(station_id, now)


async def throttled_login(
    stations: StationService,
    conn: ServerConnection,
    request: Request,
    station_id: str | None,
    retry_after: float,
) -> tuple[Refusal | None, StationLogin | None]:
    """A login while throttled: only the password this process last verified gets in."""
    refused = Refusal(
        HTTPStatus.TOO_MANY_REQUESTS,
        "too many failed logins; retry later",
        SecurityEventKind.LOGIN_THROTTLED,
        retry_after=max(1, math.ceil(retry_after)),
    )
    try:
        credentials = basic_credentials(
            authorization_header(request.headers.get_all("Authorization"))
        )
    except MalformedHeader:
        return refused, None
    if station_id is None or credentials is None or credentials[0] != station_id:
        return refused, None
    try:
        login = await stations.cached_login(StationId(station_id), credentials[1])
    except StorageUnavailable:
        return Refusal(HTTPStatus.SERVICE_UNAVAILABLE, "try again later"), None
    if login is None:
        return refused, None
    refusal = login_refusal(login, conn)
    return (refusal, None) if refusal is not None else (None, login)


def _host(conn: ServerConnection) -> str:
    address = conn.remote_address
    return str(address[0]) if address else "-"
