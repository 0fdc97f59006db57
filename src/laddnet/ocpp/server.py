"""The OCPP gateway: WebSocket server, station login before the upgrade (login_gate.py), one live
connection per station, and dispatch of each CALL to its version's handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, cast

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from laddnet.domain.errors import StorageUnavailable, UnknownStation
from laddnet.domain.ids import StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.security.profiles import SecurityProfile
from laddnet.ocpp import schemas
from laddnet.ocpp.boot_callback import BootCallbacks, command_trigger
from laddnet.ocpp.connections import REPLACED_CLOSE_CODE, ConnectionRegistry
from laddnet.ocpp.context import BootAdmission, Handler, HandlerContext
from laddnet.ocpp.errors import V16, V201, ErrorKind, OcppError
from laddnet.ocpp.event_limiter import SecurityEventLimiter
from laddnet.ocpp.keepalive import KeepAlive
from laddnet.ocpp.link import GatewayLink
from laddnet.ocpp.listeners import (
    certificate_identity,
    tls_listeners,
    transport_profile,
)
from laddnet.ocpp.login_gate import SUPPORTED, LoginGate, host_of
from laddnet.ocpp.memory_trim import trim_after_storms
from laddnet.ocpp.message_socket import MessageSocket
from laddnet.ocpp.revocations import REVOKED_CLOSE_CODE, RevocationWatch
from laddnet.ocpp.rpc import Connection, Session
from laddnet.ocpp.security import (
    choose_subprotocol,
    station_id_from_path,
)
from laddnet.ocpp.v16.handlers import ACTIONS as V16_ACTIONS
from laddnet.ocpp.v201.handlers import ACTIONS as V201_ACTIONS
from laddnet.services.bundle import Services

log = logging.getLogger(__name__)

ACTIONS: dict[str, dict[str, Handler]] = {V16: V16_ACTIONS, V201: V201_ACTIONS}
ALLOWED_BEFORE_BOOT = frozenset({"BootNotification"})


class Gateway:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._settings = services.settings
        self.registry = ConnectionRegistry()
        self._context = HandlerContext(
            services=services,
            admission=BootAdmission(self._settings.boot_admission_limit),
            heartbeat_interval=self._settings.heartbeat_interval,
        )
        admission = self._context.admission
        self.boot_callbacks = BootCallbacks(
            admission.room,
            command_trigger(services.commands, self.registry),
            enabled=self._settings.boot_callback,
        )
        self._context.boot_callbacks = self.boot_callbacks
        self._server: Server | None = None
        self.tls_servers: dict[SecurityProfile, Server] = {}  # profiles 2 and 3 (listeners.py)
        self._background: set[asyncio.Task[None]] = set()
        self.connections_opened = 0  # since start (memory_trim.py watches it for storms)
        self._trimmer: asyncio.Task[None] | None = None
        self._event_limiter = SecurityEventLimiter()
        self._gate = LoginGate(services, self._record_security)
        self._revocations = RevocationWatch(self.registry, self._close_revoked)
        self._unsubscribe: Callable[[], None] | None = None
        self._keepalive = KeepAlive(self._settings.ping_interval, self._settings.ping_timeout)
        # Told of each station that connected here, once its "connected" write has committed
        # (a RoutedLink announces it to the other nodes).
        self.on_station_connected: Callable[[str], None] | None = None
        if isinstance(services.link, GatewayLink):
            services.link.attach(self)  # commands from the services reach stations through us

    @property
    def port(self) -> int:
        assert self._server is not None
        sockets = list(self._server.sockets)
        return int(sockets[0].getsockname()[1])

    async def start(
        self, host: str | None = None, port: int | None = None, *, reuse_port: bool = False
    ) -> None:
        settings = self._settings
        await self._services.stations.clear_presence()
        await asyncio.to_thread(schemas.compile_all, ACTIONS)
        options = self._serve_options(reuse_port)
        self._server = await serve(
            self._handle,
            host or settings.host,
            settings.ocpp_port if port is None else port,
            **options,
        )
        for listener in tls_listeners(settings):
            self.tls_servers[listener.profile] = await serve(
                self._handle,
                host or settings.host,
                listener.port,
                ssl=listener.context.listener,
                **options,
            )
        self._unsubscribe = self._services.events.subscribe(self._revocations.listen)
        self._keepalive.start()
        if settings.memory_trim:
            self._trimmer = asyncio.create_task(trim_after_storms(lambda: self.connections_opened))

    def tls_port(self, profile: SecurityProfile) -> int:
        """The port of the TLS listener for profile 2 or 3 (KeyError if it is not open)."""
        return int(next(iter(self.tls_servers[profile].sockets)).getsockname()[1])

    def _serve_options(self, reuse_port: bool) -> dict[str, Any]:
        settings = self._settings
        return dict(  # noqa: C408 - the keyword arguments of serve()
            subprotocols=[Subprotocol(p) for p in SUPPORTED],
            select_subprotocol=self._select_subprotocol,
            process_request=self._gate.process_request,
            create_connection=MessageSocket,  # hands messages over: no recv() waits per station
            ping_interval=None,  # keepalive.py pings instead, with a random phase
            close_timeout=settings.close_timeout,
            max_size=settings.max_frame_bytes,
            max_queue=4,
            # RFC 7692 permessage-deflate, only with stations that offer it (OCPP-J 2.0.1 3.3:
            # a CSMS SHALL support it); its zlib state per connection: docs/performance.md.
            compression="deflate" if settings.ws_compression else None,
            server_header="Laddnet",
            backlog=settings.listen_backlog,
            open_timeout=settings.handshake_timeout,
            reuse_port=reuse_port,  # several worker processes share the port (serve --workers)
        )

    async def stop(self) -> None:
        """Stop accepting, close every connection (stations reconnect elsewhere), wait."""
        if self._server is None:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._server.close(close_connections=True)
        for server in self.tls_servers.values():
            server.close(close_connections=True)
        await self._server.wait_closed()
        for server in self.tls_servers.values():
            await server.wait_closed()
        await self.boot_callbacks.stop()
        self._keepalive.stop()
        if self._trimmer is not None:
            self._trimmer.cancel()
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    @property
    def admission(self) -> BootAdmission:
        """Boot admission control of this gateway (its room paces the boot callbacks)."""
        return self._context.admission

    async def call(
        self, station_id: str, action: str, payload: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a CALL to a station connected to this node."""
        connection = self.registry.get(station_id)
        if connection is None:
            raise UnknownStation(f"{station_id} is not connected")
        return await connection.call(action, payload, timeout)

    def drop(self, station_id: str, reason: str) -> None:
        """Close this node's connection of a station that has connected to another node since
        (code 4000, as for a newer connection here)."""
        connection = self.registry.get(station_id)
        if connection is None:
            return
        kind = SecurityEventKind.CONNECTION_REPLACED
        detail = f"{reason}; closed the connection here from {_remote(connection.ws) or 'unknown'}"
        self._record_security(kind, station_id, detail, connection.ws)
        closing = connection.ws.close(REPLACED_CLOSE_CODE, "replaced by a new connection")
        self._in_background(closing)

    def _close_revoked(self, connection: Connection, detail: str) -> None:
        station_id = connection.session.station_id
        kind = SecurityEventKind.CERTIFICATE_REVOKED
        self._record_security(kind, station_id, f"{detail}; closed its connection", connection.ws)
        self._in_background(connection.ws.close(REVOKED_CLOSE_CODE, "certificate revoked"))

    def _select_subprotocol(
        self, _conn: ServerConnection, offered: Sequence[Subprotocol]
    ) -> Subprotocol | None:
        chosen = choose_subprotocol(list(offered), SUPPORTED)
        return Subprotocol(chosen) if chosen else None

    async def _handle(self, ws: ServerConnection) -> None:
        station_id = station_id_from_path(ws.request.path if ws.request else "")
        socket = cast(MessageSocket, ws)  # serve(create_connection=MessageSocket)
        socket.forget_handshake_headers()  # the login was checked before the upgrade
        if station_id is None or ws.subprotocol is None:
            await ws.close(1002, "no station or subprotocol")
            return
        self.connections_opened += 1
        session = Session(station_id, ws.subprotocol, _remote(ws))
        connection = Connection(
            socket, session, self._dispatch, call_timeout=self._settings.call_timeout
        )
        connection.on_stray = self._on_stray_answer
        # Registered before any await: an older connection closing meanwhile then sees it has
        # been replaced and does not mark the station offline. Presence writes go through the
        # single writer in submission order, so "online" is never overwritten by a stale "offline".
        previous = self.registry.add(connection)
        if previous is not None:
            detail = (
                f"newer connection from {_remote(ws) or 'unknown'} took over from"
                f" {_remote(previous.ws) or 'unknown'}"
            )
            self._record_security(SecurityEventKind.CONNECTION_REPLACED, station_id, detail, ws)
            self._in_background(
                previous.ws.close(REPLACED_CLOSE_CODE, "replaced by a new connection")
            )
        try:
            stations = self._services.stations
            login = self._gate.login_of(ws)
            session.accepted = login is not None and login.accepted
            session.configuration_read = login is not None and login.configuration_read
            if transport_profile(ws) is SecurityProfile.TLS_CLIENT_CERTIFICATE:
                session.certificate = certificate_identity(ws)
            await stations.set_presence(StationId(station_id), True, _version(ws.subprotocol))
            # Completes a password rotation or profile upgrade under way (the login's read
            # told whether there is one: a storm of stations with none costs nothing here).
            if login is not None and (login.open_changes or login.rotation_id is not None):
                changes = self._services.credentials.on_login
                transport = transport_profile(ws)
                self._in_background(changes(StationId(station_id), login.rotation_id, transport))
            if self.on_station_connected is not None:
                self.on_station_connected(station_id)
            guard = self._services.station_guard  # a network never used before is an event
            seen = login.seen_networks if login is not None else None
            self._in_background(_noted(guard.note_connection(station_id, host_of(ws), seen)))
            pinged = self._keepalive.add(ws)
            try:
                await connection.run()
            finally:
                self._keepalive.remove(pinged)
        except StorageUnavailable:
            await ws.close(1011, "try again later")
        except ConnectionClosed:
            pass
        finally:
            self.boot_callbacks.forget(session)
            if ws.close_code == 1009:
                self._record_security(
                    SecurityEventKind.FRAME_TOO_LARGE, station_id, "frame over the size limit", ws
                )
            if self.registry.remove(connection):
                await self._mark_offline(station_id)

    async def _dispatch(
        self, session: Session, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        handler = ACTIONS[session.subprotocol].get(action)
        if handler is None:
            raise OcppError(ErrorKind.NOT_SUPPORTED, f"{action} is not supported by the CSMS")
        if not session.accepted and action not in ALLOWED_BEFORE_BOOT:
            raise OcppError(ErrorKind.SECURITY, "send an accepted BootNotification first")
        return await handler(self._context, session, payload)

    async def _mark_offline(self, station_id: str) -> None:
        try:
            await self._services.stations.set_presence(StationId(station_id), False, None)
        except StorageUnavailable:
            log.warning("could not record %s as offline", station_id)

    def _on_stray_answer(self, session: Session, kind: str, message_id: str) -> None:
        """A CALLRESULT/CALLERROR for a message id with no CALL of ours in flight: dropped, and
        recorded at most `burst` times a minute per connection (keyed by address and port, not
        by host, so one noisy station does not silence its neighbours behind the same NAT)."""
        detail = f"{kind} for message id {message_id!r}, which answers no CALL in flight"
        remote = session.remote_address
        kind_ = SecurityEventKind.STRAY_RESPONSE
        self._record(kind_, session.station_id, detail, remote, remote)

    def _record_security(
        self, kind: SecurityEventKind, station_id: str | None, detail: str, conn: ServerConnection
    ) -> None:
        remote = _remote(conn)
        self._record(kind, station_id, detail, remote, remote.rsplit(":", 1)[0] if remote else None)

    def _record(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote: str | None,
        source: str | None,
    ) -> None:
        """Store a security event in the background, unless `source` has had its share."""
        suppressed = self._event_limiter.admit(kind.value, source)
        if suppressed is None:
            return  # this source has had its share of stored events for now
        if suppressed:
            detail = f"{detail} ({suppressed} similar events suppressed)"
        log.warning("security event %s station=%s", kind.value, station_id)
        self._in_background(self._write_security(kind, station_id, detail, remote))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Owned background work: kept referenced, and awaited when the gateway stops."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _write_security(
        self, kind: SecurityEventKind, station_id: str | None, detail: str, remote: str | None
    ) -> None:
        try:
            await self._services.stations.record_security_event(kind, station_id, detail, remote)
        except StorageUnavailable:
            log.error("security event %s could not be stored", kind.value)


def _remote(ws: ServerConnection) -> str | None:
    address = ws.remote_address
    return f"{address[0]}:{address[1]}" if address else None


def _version(subprotocol: str) -> str:
    return "1.6" if subprotocol == V16 else "2.0.1"


async def _noted(work: Coroutine[Any, Any, str | None]) -> None:
    await work
