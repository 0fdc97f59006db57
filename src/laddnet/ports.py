"""Ports: the Protocols the services need, implemented by adapters, wired in bootstrap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from laddnet.domain.authorization.model import IdToken
from laddnet.domain.commands.model import CommandName, CommandOutcome, CommandRecord, OcppRequest
from laddnet.domain.events import Event
from laddnet.domain.ids import ConnectorId, EvseId, SiteId, StationId
from laddnet.domain.operations.model import (
    ConfigurationItem,
    FirmwareUpdate,
    LogUpload,
    Reservation,
    ReservationStatus,
)
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.sessions.model import ChargingSession, MeterSample, RegisterReading
from laddnet.domain.sites.model import Site
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import (
    Availability,
    ConnectorState,
    RegistrationStatus,
    Station,
    StationInfo,
)
from laddnet.domain.webhooks import Delivery, DeliveryStatus, DueDelivery, Webhook

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
    def set_details(
        self, station_id: StationId, *, site_id: SiteId | None, display_name: str | None
    ) -> None: ...
    def decommission(self, station_id: StationId, now: datetime) -> None: ...
    def get(self, station_id: StationId) -> Station | None: ...
    def list(
        self, *, limit: int, offset: int, include_decommissioned: bool = False
    ) -> tuple[list[Station], int]: ...


class SiteRepository(Protocol):
    def add(self, site: Site) -> None: ...
    def save(self, site: Site) -> None: ...
    def exists(self, site_id: SiteId) -> bool: ...
    def get(self, site_id: SiteId) -> Site | None: ...
    def list(self, *, limit: int, offset: int) -> tuple[list[Site], int]: ...
    def delete(self, site_id: SiteId) -> None: ...


class StatusHistory(Protocol):
    """Changes of status as stations reported them; `add` is on the per-message path."""

    def add(self, change: StatusChange) -> None: ...
    def list(
        self,
        station_id: StationId,
        *,
        since: datetime | None,
        until: datetime | None,
        evse_id: EvseId | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StatusChange], int]: ...


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


class EventHistory(Protocol):
    """Committed events read back, for a live-stream client that resumes (Last-Event-ID)."""

    def after(
        self,
        event_id: int,
        *,
        since: datetime,
        limit: int,
        types: Sequence[str] | None,
        station_id: str | None,
    ) -> list[Event]: ...


class WebhookRepository(Protocol):
    def add(
        self, url: str, events: Sequence[str], secret: str, created_by: str, now: datetime
    ) -> Webhook: ...
    def get(self, webhook_id: int) -> Webhook | None: ...
    def list_all(self) -> list[Webhook]: ...
    def delete(self, webhook_id: int) -> bool: ...
    def deliveries(self, webhook_id: int, *, limit: int, offset: int) -> list[Delivery]: ...
    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries due at `now`, each counted as attempted and hidden from other
        claims until `lease_until` (SKIP LOCKED: one process claims each)."""
        ...

    def record_attempt(
        self,
        delivery_id: int,
        status: DeliveryStatus,
        response_status: int | None,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> None: ...


class EventBus(Protocol):
    """Carries published events to every subscriber in every process. `publish` is called by
    the outbox relay only; a listener runs on the event loop and must not block or await (it
    hands the event on, e.g. into a bounded queue of its own) and must not change the event."""

    async def publish(self, event: Event) -> None: ...
    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Register `listener`; returns the function that unregisters it."""
        ...


class OutboxClaims(Protocol):
    """The relay's side of the outbox. `claim` yields up to `limit` unpublished events, oldest
    first, locked against every other relay (SKIP LOCKED), with their webhook deliveries created
    and their `published_at` set; all of it commits when the block exits normally, after the
    relay has published them, and is rolled back if it raises."""

    def claim(self, limit: int, now: datetime) -> AbstractAsyncContextManager[list[Event]]: ...
    async def prune(self, published_before: datetime, limit: int) -> int:
        """Delete up to `limit` events published before the given time that no pending webhook
        delivery needs; the number deleted."""
        ...


class WebhookSender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body`; the response status. Raises `WebhookUnreachable` if no answer came."""
        ...


class ConfigurationStore(Protocol):
    def save(self, station_id: str, items: Sequence[ConfigurationItem], now: datetime) -> None: ...
    def items(
        self, station_id: str, *, component: str | None = None
    ) -> list[ConfigurationItem]: ...
    def read_at(self, station_id: str) -> datetime | None: ...
    def mark_read(self, station_id: str, now: datetime) -> None: ...


class FirmwareLog(Protocol):
    def add_update(self, station_id: str, now: datetime, **values: Any) -> int: ...
    def find_update(self, station_id: str, request_id: int | None) -> int | None: ...
    def set_answer(
        self, update_id: int, status: str, command_id: int, now: datetime, only_from: str
    ) -> None: ...
    def add_status(
        self, station_id: str, update_id: int | None, status: str, now: datetime
    ) -> None: ...
    def updates(self, station_id: str, limit: int = 50) -> list[FirmwareUpdate]: ...


class LogUploads(Protocol):
    def add(self, station_id: str, now: datetime, **values: Any) -> int: ...
    def update(self, upload_id: int, *, only_from: str | None = None, **values: Any) -> None: ...
    def by_token(self, token_hash: str) -> LogUpload | None: ...
    def store_file(
        self, token_hash: str, filename: str | None, content: bytes, now: datetime
    ) -> bool: ...
    def find(self, station_id: str, request_id: int | None) -> int | None: ...
    def list(self, station_id: str, limit: int = 50) -> list[LogUpload]: ...
    def file(self, station_id: str, upload_id: int) -> tuple[str | None, bytes] | None: ...


class Reservations(Protocol):
    def add(
        self,
        station_id: str,
        evse_id: int | None,
        id_token: str,
        expires_at: datetime,
        now: datetime,
    ) -> int: ...
    def get(self, reservation_id: int) -> Reservation | None: ...
    def set_status(
        self,
        reservation_id: int,
        status: ReservationStatus,
        now: datetime,
        *,
        only_from: tuple[ReservationStatus, ...] = (),
        command_id: int | None = None,
    ) -> bool: ...
    def expire(self, now: datetime) -> list[Reservation]: ...
    def active_for(self, station_ids: Sequence[str]) -> list[Reservation]: ...
    def list(self, station_id: str, *, active_only: bool = False) -> list[Reservation]: ...


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
    """The bus joining the nodes of one Laddnet (NATS; see docs/adr/0007-message-bus.md)."""


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
    @property
    def sites(self) -> SiteRepository: ...
    @property
    def status_history(self) -> StatusHistory: ...
    @property
    def event_history(self) -> EventHistory: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def configuration(self) -> ConfigurationStore: ...
    @property
    def firmware(self) -> FirmwareLog: ...
    @property
    def logs(self) -> LogUploads: ...
    @property
    def reservations(self) -> Reservations: ...


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
