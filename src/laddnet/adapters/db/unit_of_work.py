"""The SQL unit of work: the repositories of one area, all on one connection."""

from __future__ import annotations

from sqlalchemy import Connection

from laddnet.adapters.db.repositories.audit import SqlAuditLog, SqlOutbox
from laddnet.adapters.db.repositories.certificates import SqlCertificateInventory
from laddnet.adapters.db.repositories.commands import SqlCommandLog
from laddnet.adapters.db.repositories.configuration import SqlConfigurationStore
from laddnet.adapters.db.repositories.events import SqlEventHistory, SqlWebhookRepository
from laddnet.adapters.db.repositories.firmware import SqlFirmwareLog
from laddnet.adapters.db.repositories.logs import SqlLogUploads
from laddnet.adapters.db.repositories.misc import (
    SqlApiKeyRepository,
    SqlEventLog,
    SqlTokenRepository,
)
from laddnet.adapters.db.repositories.reservations import SqlReservations
from laddnet.adapters.db.repositories.sessions import SqlSessionRepository
from laddnet.adapters.db.repositories.sites import SqlSiteRepository
from laddnet.adapters.db.repositories.stations import SqlStationRepository
from laddnet.adapters.db.repositories.status_history import SqlStatusHistory
from laddnet.adapters.db.session_cache import SessionCache


class SqlUnitOfWork:
    """The repositories over one connection; the transaction belongs to whoever made it."""

    def __init__(self, conn: Connection, session_cache: SessionCache | None = None) -> None:
        self.connection = conn
        self.stations = SqlStationRepository(conn, session_cache)
        self.sessions = SqlSessionRepository(conn, session_cache)
        self.tokens = SqlTokenRepository(conn)
        self.api_keys = SqlApiKeyRepository(conn)
        self.events = SqlEventLog(conn)
        self.audit = SqlAuditLog(conn)
        self.outbox = SqlOutbox(conn)
        self.commands = SqlCommandLog(conn)
        self.sites = SqlSiteRepository(conn)
        self.status_history = SqlStatusHistory(conn)
        self.event_history = SqlEventHistory(conn)
        self.webhooks = SqlWebhookRepository(conn)
        self.configuration = SqlConfigurationStore(conn)
        self.firmware = SqlFirmwareLog(conn)
        self.logs = SqlLogUploads(conn)
        self.reservations = SqlReservations(conn)
        self.certificates = SqlCertificateInventory(conn)
