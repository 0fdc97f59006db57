"""Ports: the Protocols the services need, implemented by adapters, wired in bootstrap.

One module per area; everything is importable from `laddnet.ports`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from laddnet.ports.accounts import LoginFailures, LoginSessions, RecoveryCodes, UserRepository
from laddnet.ports.bus import MessageBus, PubSub, RequestReply, Subscription
from laddnet.ports.certificates import CertificateAuthority, CertificateInventory
from laddnet.ports.credentials import CredentialChanges
from laddnet.ports.customer_information import CustomerInformationStore
from laddnet.ports.driver_logins import DriverLogins
from laddnet.ports.events import (
    EventBus,
    EventHistory,
    OutboxClaims,
    WebhookRepository,
    WebhookSender,
)
from laddnet.ports.maintenance import (
    HealthStore,
    Mailer,
    MaintenanceStore,
    NotificationStore,
    RecoveryLog,
    TicketStore,
    UptimeStore,
)
from laddnet.ports.operations import ConfigurationStore, FirmwareLog, LogUploads, Reservations
from laddnet.ports.pricing import CdrRepository, Ledger, TariffRepository
from laddnet.ports.privacy import CryptoKeys, DriverRepository, FieldCipher, KeyRing
from laddnet.ports.records import (
    ApiKeyRepository,
    AuditLog,
    CommandLog,
    EventLog,
    Outbox,
    SessionRepository,
    TokenRepository,
)
from laddnet.ports.station_guard import FirmwareSignatureCheck, StationGuard
from laddnet.ports.stations import SiteRepository, StationLink, StationRepository, StatusHistory

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The only place Laddnet reads the wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


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
    @property
    def tariffs(self) -> TariffRepository: ...
    @property
    def cdrs(self) -> CdrRepository: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def login_sessions(self) -> LoginSessions: ...
    @property
    def recovery_codes(self) -> RecoveryCodes: ...
    @property
    def login_failures(self) -> LoginFailures: ...
    @property
    def crypto_keys(self) -> CryptoKeys: ...
    @property
    def drivers(self) -> DriverRepository: ...
    @property
    def driver_logins(self) -> DriverLogins: ...
    @property
    def customer_information(self) -> CustomerInformationStore: ...
    @property
    def maintenance(self) -> MaintenanceStore: ...
    @property
    def tickets(self) -> TicketStore: ...
    @property
    def uptime(self) -> UptimeStore: ...
    @property
    def recovery(self) -> RecoveryLog: ...
    @property
    def notifications(self) -> NotificationStore: ...
    @property
    def health(self) -> HealthStore: ...
    @property
    def certificates(self) -> CertificateInventory: ...
    @property
    def credential_changes(self) -> CredentialChanges: ...
    @property
    def guard(self) -> StationGuard: ...


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


class StationSecretHasher(PasswordHasher, Protocol):
    """A PasswordHasher that also stores secrets Laddnet drew itself (ADR 0009)."""

    def hash_drawn(self, secret: str) -> str: ...
    def is_cheap(self, hashed: str) -> bool: ...


__all__ = [
    "ApiKeyRepository",
    "AuditLog",
    "CdrRepository",
    "CertificateAuthority",
    "CertificateInventory",
    "Clock",
    "CommandLog",
    "ConfigurationStore",
    "CredentialChanges",
    "CryptoKeys",
    "Database",
    "DriverRepository",
    "EventBus",
    "EventHistory",
    "EventLog",
    "FieldCipher",
    "FirmwareLog",
    "FirmwareSignatureCheck",
    "HealthStore",
    "KeyRing",
    "Ledger",
    "LogUploads",
    "LoginFailures",
    "LoginSessions",
    "Mailer",
    "MaintenanceStore",
    "MessageBus",
    "NotificationStore",
    "Outbox",
    "OutboxClaims",
    "PasswordHasher",
    "PubSub",
    "RecoveryCodes",
    "RecoveryLog",
    "RequestReply",
    "Reservations",
    "SessionRepository",
    "SiteRepository",
    "StationGuard",
    "StationLink",
    "StationRepository",
    "StationSecretHasher",
    "StatusHistory",
    "Subscription",
    "SystemClock",
    "T",
    "TariffRepository",
    "TicketStore",
    "TokenRepository",
    "UnitOfWork",
    "UptimeStore",
    "UserRepository",
    "WebhookRepository",
    "WebhookSender",
]
