"""The services' way to a station connected to this gateway: commands translated into the
station's OCPP version, checked against its schema, sent, and answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import (
    InvalidInput,
    StationDidNotAnswer,
    StationNotConnected,
    StationRejectedCall,
    UnknownStation,
)
from laddnet.ocpp import schemas
from laddnet.ocpp.errors import V16, V201, OcppError
from laddnet.ocpp.rpc import CallRejected, CallTimeout
from laddnet.ocpp.v16.commands import COMMANDS as V16_COMMANDS
from laddnet.ocpp.v201.commands import COMMANDS as V201_COMMANDS

if TYPE_CHECKING:
    from laddnet.ocpp.server import Gateway

SUBPROTOCOLS = {"1.6": V16, "2.0.1": V201}
TRANSLATIONS = {"1.6": V16_COMMANDS, "2.0.1": V201_COMMANDS}
# 2.0.1 answers Get/SetVariables with a status per variable.
_RESULT_LISTS = ("setVariableResult", "getVariableResult")


class GatewayLink:
    """Implements the StationLink port over the gateway of this process (attached when the
    gateway is built). Without a gateway every station is 'not connected'."""

    def __init__(self) -> None:
        self._gateway: Gateway | None = None

    def attach(self, gateway: Gateway) -> None:
        self._gateway = gateway

    def translate(
        self, ocpp_version: str, name: CommandName, body: Mapping[str, Any]
    ) -> OcppRequest:
        table = TRANSLATIONS.get(ocpp_version)
        translate = table.get(name) if table is not None else None
        if table is None or translate is None:
            raise InvalidInput(f"{name} is not available for OCPP {ocpp_version} stations")
        request = translate(body)
        try:
            schemas.validate(SUBPROTOCOLS[ocpp_version], request.action, request.payload)
        except OcppError as exc:
            raise InvalidInput(
                f"not a valid OCPP {ocpp_version} {request.action}: {exc.description}"
            ) from None
        return request

    def status_of(self, request: OcppRequest, response: Mapping[str, Any]) -> str:
        """The station's status word; an answer without one (GetConfiguration, ...) means the
        station did what was asked."""
        status = response.get("status")
        if isinstance(status, str):
            return status
        for key in _RESULT_LISTS:
            results = response.get(key)
            if isinstance(results, list) and results:
                statuses = {str(r.get("attributeStatus")) for r in results}
                return statuses.pop() if len(statuses) == 1 else "Partial"
        return "Accepted"

    async def call(
        self, station_id: str, request: OcppRequest, timeout: float | None = None
    ) -> dict[str, Any]:
        gateway = self._gateway
        if gateway is None:
            raise StationNotConnected(station_id)
        try:
            return await gateway.call(station_id, request.action, request.payload, timeout)
        except UnknownStation:
            raise StationNotConnected(station_id) from None
        except CallTimeout:
            raise StationDidNotAnswer(
                f"station {station_id} did not answer {request.action} in time"
            ) from None
        except CallRejected as exc:
            raise StationRejectedCall(exc.code, exc.description) from None
        except OcppError as exc:
            raise InvalidInput(f"not a valid {request.action}: {exc.description}") from None
