"""The set of services the edges (OCPP gateway, HTTP API) are handed by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.config import Settings
from laddnet.ports import Clock, StationLink
from laddnet.services.events.service import EventService
from laddnet.services.handlers.accounts import AccountService
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.audit import AuditService
from laddnet.services.handlers.auth import AuthService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.cdrs import CdrService
from laddnet.services.handlers.certificates import CertificateService
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.driver_auth import DriverAuthService
from laddnet.services.handlers.driver_tokens import DriverTokenService
from laddnet.services.handlers.drivers import DriverService
from laddnet.services.handlers.ledger import LedgerService
from laddnet.services.handlers.mfa import MfaService
from laddnet.services.handlers.operations import Operations
from laddnet.services.handlers.running_cost import RunningCostService
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.sites import SiteService
from laddnet.services.handlers.station_admin import StationAdminService
from laddnet.services.handlers.station_credentials import StationCredentialService
from laddnet.services.handlers.station_guard import StationGuardService
from laddnet.services.handlers.stations import StationService
from laddnet.services.handlers.tariffs import TariffService
from laddnet.services.maintenance.service import MaintenanceService
from laddnet.services.queries import Queries


@dataclass
class Services:
    settings: Settings
    clock: Clock
    stations: StationService
    sessions: SessionService
    authorization: AuthorizationService
    api_keys: ApiKeyService
    queries: Queries
    commands: CommandService
    link: StationLink  # to the stations; the gateway of this process attaches itself to it
    sites: SiteService
    station_admin: StationAdminService
    events: EventService
    operations: Operations  # configuration, firmware, logs, reservations
    tariffs: TariffService
    cdrs: CdrService
    ledger: LedgerService
    accounts: AccountService  # operator accounts
    auth: AuthService  # logins and login sessions
    mfa: MfaService  # two-factor authentication
    audit: AuditService  # the audit log: search, verify the hash chain
    drivers: DriverService  # drivers' personal data, encrypted at rest
    driver_tokens: DriverTokenService  # drivers' id tokens, hashed and encrypted
    maintenance: MaintenanceService  # service statuses, alerts, maintenance mode
    certificates: CertificateService  # station certificates (SignCertificate, inventory)
    credentials: StationCredentialService  # password rotation, profile upgrades, renewals
    station_guard: StationGuardService  # site allow-lists, networks seen, firmware inventory
    running_cost: RunningCostService  # 2.0.1 CostUpdated: what charging has cost so far
    driver_auth: DriverAuthService  # drivers' own logins (password, optional TOTP)
