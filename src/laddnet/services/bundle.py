"""The set of services the edges (OCPP gateway, HTTP API) are handed by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.config import Settings
from laddnet.ports import Clock
from laddnet.services.events.service import EventService
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.sessions import SessionService
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
    events: EventService
