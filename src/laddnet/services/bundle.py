"""The set of services the edges (OCPP gateway, HTTP API) are handed by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.config import Settings
from laddnet.ports import Clock, StationLink
from laddnet.services.events.service import EventService
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.certificates import CertificateService
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.operations import Operations
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.sites import SiteService
from laddnet.services.handlers.station_admin import StationAdminService
from laddnet.services.handlers.stations import StationService
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
    certificates: CertificateService  # station certificates (SignCertificate, inventory)
