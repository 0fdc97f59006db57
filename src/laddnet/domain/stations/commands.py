"""Commands about stations, version-neutral."""

from __future__ import annotations

from dataclasses import dataclass

from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import StationInfo


@dataclass(frozen=True, slots=True)
class RegisterBoot:
    station_id: StationId
    info: StationInfo
    ocpp_version: str
    reason: str | None = None
