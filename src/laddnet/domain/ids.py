"""Typed identifiers, so a station id is never passed where a session id belongs."""

from typing import NewType

StationId = NewType("StationId", str)
SessionId = NewType("SessionId", int)
EvseId = NewType("EvseId", int)
ConnectorId = NewType("ConnectorId", int)
SiteId = NewType("SiteId", str)
