"""The SQL unit of work: the repositories of one area, all on one connection."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Generic, TypeVar, overload

from sqlalchemy import Connection

from laddnet.adapters.db.repositories.accounts import (
    SqlLoginFailures,
    SqlLoginSessions,
    SqlRecoveryCodes,
    SqlUserRepository,
)
from laddnet.adapters.db.repositories.audit import SqlAuditLog, SqlOutbox
from laddnet.adapters.db.repositories.cdrs import SqlCdrRepository
from laddnet.adapters.db.repositories.certificates import SqlCertificateInventory
from laddnet.adapters.db.repositories.commands import SqlCommandLog
from laddnet.adapters.db.repositories.configuration import SqlConfigurationStore
from laddnet.adapters.db.repositories.credentials import SqlCredentialChanges
from laddnet.adapters.db.repositories.customer_information import SqlCustomerInformation
from laddnet.adapters.db.repositories.driver_logins import SqlDriverLogins
from laddnet.adapters.db.repositories.events import SqlEventHistory, SqlWebhookRepository
from laddnet.adapters.db.repositories.firmware import SqlFirmwareLog
from laddnet.adapters.db.repositories.health import SqlHealth
from laddnet.adapters.db.repositories.ledger import SqlLedger
from laddnet.adapters.db.repositories.logs import SqlLogUploads
from laddnet.adapters.db.repositories.maintenance import SqlMaintenanceStore
from laddnet.adapters.db.repositories.misc import (
    SqlApiKeyRepository,
    SqlEventLog,
    SqlTokenRepository,
)
from laddnet.adapters.db.repositories.notifications import SqlNotifications
from laddnet.adapters.db.repositories.privacy import SqlCryptoKeys, SqlDriverRepository
from laddnet.adapters.db.repositories.recovery import SqlRecovery
from laddnet.adapters.db.repositories.reservations import SqlReservations
from laddnet.adapters.db.repositories.sessions import SqlSessionRepository
from laddnet.adapters.db.repositories.sites import SqlSiteRepository
from laddnet.adapters.db.repositories.station_guard import SqlStationGuard
from laddnet.adapters.db.repositories.stations import SqlStationRepository
from laddnet.adapters.db.repositories.status_history import SqlStatusHistory
from laddnet.adapters.db.repositories.tariffs import SqlTariffRepository
from laddnet.adapters.db.repositories.tickets import SqlTickets
from laddnet.adapters.db.repositories.uptime import SqlUptime
from laddnet.adapters.db.session_cache import SessionCache

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository made on first use: most units of work use two or three of the thirty-odd,
    and the batch writer makes a unit of work per group (hundreds a second at the busy hour)."""

    def __init__(self, make: Callable[[Connection], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> R: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        repository = self._make(uow.connection)
        uow.__dict__[self._name] = repository  # later reads find it without calling here
        return repository


class SqlUnitOfWork:
    """The repositories over one connection; the transaction belongs to whoever made it."""

    def __init__(self, conn: Connection, session_cache: SessionCache | None = None) -> None:
        self.connection = conn
        self._session_cache = session_cache

    @cached_property
    def stations(self) -> SqlStationRepository:
        return SqlStationRepository(self.connection, self._session_cache)

    @cached_property
    def sessions(self) -> SqlSessionRepository:
        return SqlSessionRepository(self.connection, self._session_cache)

    @cached_property
    def events(self) -> SqlEventLog:
        return SqlEventLog(self.connection, self.outbox)  # publishes security events

    @property
    def outbox_events_added(self) -> int:
        """How many events this unit of work put in the outbox (no outbox made to say 0)."""
        outbox: SqlOutbox | None = self.__dict__.get("outbox")
        return 0 if outbox is None else outbox.added

    tokens = _Repository(SqlTokenRepository)
    api_keys = _Repository(SqlApiKeyRepository)
    audit = _Repository(SqlAuditLog)
    outbox = _Repository(SqlOutbox)
    commands = _Repository(SqlCommandLog)
    sites = _Repository(SqlSiteRepository)
    status_history = _Repository(SqlStatusHistory)
    event_history = _Repository(SqlEventHistory)
    webhooks = _Repository(SqlWebhookRepository)
    configuration = _Repository(SqlConfigurationStore)
    firmware = _Repository(SqlFirmwareLog)
    logs = _Repository(SqlLogUploads)
    reservations = _Repository(SqlReservations)
    tariffs = _Repository(SqlTariffRepository)
    cdrs = _Repository(SqlCdrRepository)
    ledger = _Repository(SqlLedger)
    users = _Repository(SqlUserRepository)
    login_sessions = _Repository(SqlLoginSessions)
    recovery_codes = _Repository(SqlRecoveryCodes)
    login_failures = _Repository(SqlLoginFailures)
    crypto_keys = _Repository(SqlCryptoKeys)
    drivers = _Repository(SqlDriverRepository)
    driver_logins = _Repository(SqlDriverLogins)
    customer_information = _Repository(SqlCustomerInformation)
    maintenance = _Repository(SqlMaintenanceStore)
    tickets = _Repository(SqlTickets)
    uptime = _Repository(SqlUptime)
    recovery = _Repository(SqlRecovery)
    notifications = _Repository(SqlNotifications)
    health = _Repository(SqlHealth)
    certificates = _Repository(SqlCertificateInventory)
    credential_changes = _Repository(SqlCredentialChanges)
    guard = _Repository(SqlStationGuard)  # site allow-lists, networks seen, firmware
