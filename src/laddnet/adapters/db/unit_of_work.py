"""The SQL unit of work: the repositories of one area, all on one connection."""

from __future__ import annotations

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


class SqlUnitOfWork:
    """The repositories over one connection; the transaction belongs to whoever made it."""

    def __init__(self, conn: Connection, session_cache: SessionCache | None = None) -> None:
        self.connection = conn
        self.stations = SqlStationRepository(conn, session_cache)
        self.sessions = SqlSessionRepository(conn, session_cache)
        self.tokens = SqlTokenRepository(conn)
        self.api_keys = SqlApiKeyRepository(conn)
        self.audit = SqlAuditLog(conn)
        self.outbox = SqlOutbox(conn)
        self.events = SqlEventLog(conn, self.outbox)  # publishes security events
        self.commands = SqlCommandLog(conn)
        self.sites = SqlSiteRepository(conn)
        self.status_history = SqlStatusHistory(conn)
        self.event_history = SqlEventHistory(conn)
        self.webhooks = SqlWebhookRepository(conn)
        self.configuration = SqlConfigurationStore(conn)
        self.firmware = SqlFirmwareLog(conn)
        self.logs = SqlLogUploads(conn)
        self.reservations = SqlReservations(conn)
        self.tariffs = SqlTariffRepository(conn)
        self.cdrs = SqlCdrRepository(conn)
        self.ledger = SqlLedger(conn)
        self.users = SqlUserRepository(conn)
        self.login_sessions = SqlLoginSessions(conn)
        self.recovery_codes = SqlRecoveryCodes(conn)
        self.login_failures = SqlLoginFailures(conn)
        self.crypto_keys = SqlCryptoKeys(conn)
        self.drivers = SqlDriverRepository(conn)
        self.driver_logins = SqlDriverLogins(conn)
        self.customer_information = SqlCustomerInformation(conn)
        self.maintenance = SqlMaintenanceStore(conn)
        self.tickets = SqlTickets(conn)
        self.uptime = SqlUptime(conn)
        self.recovery = SqlRecovery(conn)
        self.notifications = SqlNotifications(conn)
        self.health = SqlHealth(conn)
        self.certificates = SqlCertificateInventory(conn)
        self.credential_changes = SqlCredentialChanges(conn)
        self.guard = SqlStationGuard(conn)  # site allow-lists, networks seen, firmware
