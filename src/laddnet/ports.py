"""Ports: the Protocols the services need, implemented by adapters, wired in bootstrap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from laddnet.domain.authorization.model import IdToken
from laddnet.domain.commands.model import CommandName, CommandOutcome, CommandRecord, OcppRequest
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.sessions.model import ChargingSession, MeterSample, RegisterReading
from laddnet.domain.stations.model import (
    Availability,
    ConnectorState,
    RegistrationStatus,
    Station,
    StationInfo,
)

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The only place Laddnet reads the wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class StationRepository(Protocol):
    def credentials(
        self, station_id: StationId
    ) -> tuple[str, RegistrationStatus | None] | None: ...
    def add(self, station_id: StationId, password_hash: str, now: datetime) -> None: ...
    def set_password_hash(
        self, station_id: StationId, new: str, *, replacing: str | None = None
    ) -> bool: ...
    def record_boot(
        self,
        station_id: StationId,
        info: StationInfo,
        ocpp_version: str,
        status: RegistrationStatus,
        now: datetime,
    ) -> None: ...
    def touch(self, station_id: StationId, now: datetime) -> None: ...
    def set_presence(
        self,
        station_id: StationId,
        connected: bool,
        ocpp_version: str | None,
        node: str,
        now: datetime,
    ) -> None: ...
    def clear_presence(self, node: str) -> None: ...
    def connector_state(
        self, station_id: StationId, evse_id: EvseId, connector_id: ConnectorId
    ) -> ConnectorState | None: ...
    def save_connector_state(
        self,
        station_id: StationId,
        evse_id: EvseId,
        connector_id: ConnectorId,
        state: ConnectorState,
        now: datetime,
    ) -> None: ...
    def availability(self, station_id: StationId, evse_id: EvseId) -> Availability | None: ...
    def save_availability(
        self, station_id: StationId, evse_id: EvseId, state: Availability, now: datetime
    ) -> None: ...
    def get(self, station_id: StationId) -> Station | None: ...
    def list(self, *, limit: int, offset: int) -> tuple[list[Station], int]: ...


class SessionRepository(Protocol):
    def get(self, session_id: int) -> ChargingSession | None: ...
    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None: ...
    def by_start_key(self, start_key: str) -> ChargingSession | None: ...
    def open_session_for_stop(
        self, station_id: str, id_token: str | None, stopped_at: datetime
    ) -> ChargingSession | None: ...
    def create(self, **values: Any) -> int: ...
    def update(self, session_id: int, **values: Any) -> None: ...
    def update_energy(
        self,
        session_id: int,
        energy_wh: Decimal,
        last: RegisterReading | None,
        anomalies: Sequence[str],
    ) -> None: ...
    def add_transaction_event(
        self,
        session_id: int,
        seq_no: int,
        event_type: str,
        trigger_reason: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> bool: ...
    def add_samples(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        samples: Sequence[MeterSample],
        now: datetime,
    ) -> int: ...
    def register_readings(self, session_id: int) -> list[RegisterReading]: ...
    def samples(self, session_id: int) -> list[MeterSample]: ...
    def list(
        self,
        *,
        station_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
    ) -> tuple[list[ChargingSession], int]: ...


class TokenRepository(Protocol):
    def get(self, value: str) -> IdToken | None: ...
    def save(self, token: IdToken, now: datetime) -> None: ...


class ApiKeyRepository(Protocol):
    def add(
        self, key_id: str, key_hash: str, role: str, label: str | None, now: datetime
    ) -> None: ...
    def get(self, key_id: str) -> tuple[str, str, bool] | None: ...


class EventLog(Protocol):
    def security(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote_address: str | None,
        now: datetime,
    ) -> None: ...
    def station_event(
        self, station_id: str, kind: str, payload: dict[str, Any], now: datetime
    ) -> None: ...
    def security_events(self, limit: int = 100) -> list[dict[str, Any]]: ...


class AuditLog(Protocol):
    """Who changed what: `actor` is `apikey:<id>` or `cli`; `detail` never holds a secret."""

    def record(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str | None,
        detail: dict[str, Any],
        now: datetime,
    ) -> None: ...
    def entries(
        self, *, target_type: str | None = None, target_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]: ...


class Outbox(Protocol):
    """Domain events (`station.connected`, `session.started`, ...) stored in the unit of work
    of the change they describe, and published only after it commits."""

    def add(
        self, event_type: str, station_id: str | None, data: dict[str, Any], now: datetime
    ) -> None: ...


class CommandLog(Protocol):
    def add(
        self,
        station_id: str,
        name: str,
        body: dict[str, Any],
        sent_by: str,
        now: datetime,
        *,
        ocpp_action: str | None,
        request: dict[str, Any] | None,
        outcome: CommandOutcome = CommandOutcome.PENDING,
    ) -> int: ...
    def finish(
        self,
        command_id: int,
        outcome: CommandOutcome,
        now: datetime,
        *,
        status: str | None = None,
        response: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None: ...
    def get(self, command_id: int) -> CommandRecord | None: ...
    def list(
        self, station_id: str, *, name: str | None, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]: ...


class StationLink(Protocol):
    """The way from the services to a connected station, wherever it is connected.

    `translate` turns a version-neutral command into the CALL of the station's OCPP version
    (InvalidInput if that version lacks it); `call` sends it and returns the station's answer,
    raising StationNotConnected, StationDidNotAnswer or StationRejectedCall.
    """

    def translate(
        self, ocpp_version: str, name: CommandName, body: Mapping[str, Any]
    ) -> OcppRequest: ...
    def status_of(self, request: OcppRequest, response: Mapping[str, Any]) -> str: ...
    async def call(
        self, station_id: str, request: OcppRequest, timeout: float | None = None
    ) -> dict[str, Any]: ...


class Subscription(Protocol):
    async def unsubscribe(self) -> None: ...


class PubSub(Protocol):
    """Fire-and-forget messages between nodes (presence, domain events): `subject` is a suffix
    of the bus's prefix (`presence` -> `laddnet.presence`). A message may be lost while the bus
    is down; nothing that must not be lost travels only this way."""

    async def publish(self, subject: str, data: bytes) -> None: ...
    async def subscribe(
        self, subject: str, callback: Callable[[bytes], Awaitable[None]]
    ) -> Subscription: ...


class RequestReply(Protocol):
    """One request, one reply (commands to a station on another node). `request` raises
    NoResponder when nobody serves the subject, BusTimeout after `timeout` seconds and BusFailed
    when the bus is unreachable: it never waits longer than `timeout`."""

    async def request(self, subject: str, data: bytes, timeout: float) -> bytes: ...
    async def serve(
        self, subject: str, handler: Callable[[bytes], Awaitable[bytes]]
    ) -> Subscription: ...


class MessageBus(PubSub, RequestReply, Protocol):
    """The bus joining the nodes of one Laddnet (NATS; see docs/adr/0006-message-bus.md)."""


class UnitOfWork(Protocol):
    """The repositories, all inside one transaction owned by the `Database`."""

    @property
    def stations(self) -> StationRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def events(self) -> EventLog: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def commands(self) -> CommandLog: ...


class Database(Protocol):
    """Runs units of work off the event loop. Repositories are synchronous; the services hand
    a function of a unit of work to `write` (committed, in a group, before it returns) or `read`.
    """

    async def write(self, work: Callable[[UnitOfWork], T]) -> T: ...
    async def read(self, work: Callable[[UnitOfWork], T]) -> T: ...


class PasswordHasher(Protocol):
    def hash(self, secret: str) -> str: ...
    def verify(self, hashed: str, secret: str) -> bool: ...
    def needs_rehash(self, hashed: str) -> bool: ...
