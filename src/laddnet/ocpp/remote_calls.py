"""The wire format of a command sent to the node holding a station, and of its reply.

Request (`laddnet.node.<node_id>.call`): {station_id, action, payload, timeout}.
Reply: {"response": {...}} or {"error": KIND, ...} where KIND names the domain error the
holding node met, so the caller raises the same one as if the station were connected to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from laddnet.domain.commands.model import OcppRequest
from laddnet.domain.errors import (
    InvalidInput,
    LaddnetError,
    StationDidNotAnswer,
    StationNotConnected,
    StationRejectedCall,
)


class ReplyError(StrEnum):
    NOT_CONNECTED = "not_connected"
    TIMEOUT = "timeout"
    REJECTED = "rejected"
    INVALID = "invalid"


# The errors a StationLink raises, and their kind on the wire (most specific first).
KIND_BY_ERROR: dict[type[LaddnetError], ReplyError] = {
    StationNotConnected: ReplyError.NOT_CONNECTED,
    StationDidNotAnswer: ReplyError.TIMEOUT,
    StationRejectedCall: ReplyError.REJECTED,
    InvalidInput: ReplyError.INVALID,
}
LINK_ERRORS = (StationNotConnected, StationDidNotAnswer, StationRejectedCall, InvalidInput)


def node_subject(node_id: str) -> str:
    return f"node.{node_id}.call"


@dataclass(frozen=True, slots=True)
class RemoteCall:
    station_id: str
    request: OcppRequest
    timeout: float | None


def encode_call(station_id: str, request: OcppRequest, timeout: float | None) -> bytes:
    return orjson.dumps(
        {
            "station_id": station_id,
            "action": request.action,
            "payload": request.payload,
            "timeout": timeout,
        }
    )


def decode_call(data: bytes) -> RemoteCall:
    """Raises InvalidInput for anything but a well-formed call."""
    try:
        raw = orjson.loads(data)
        station_id, action, payload = raw["station_id"], raw["action"], raw["payload"]
        timeout = raw.get("timeout")
    except (orjson.JSONDecodeError, KeyError, TypeError):
        raise InvalidInput("not a remote call") from None
    if not (isinstance(station_id, str) and isinstance(action, str) and isinstance(payload, dict)):
        raise InvalidInput("not a remote call")
    if timeout is not None and not (isinstance(timeout, int | float) and timeout > 0):
        raise InvalidInput("not a remote call: bad timeout")
    return RemoteCall(station_id, OcppRequest(action, payload), timeout)


def encode_answer(response: dict[str, Any]) -> bytes:
    return orjson.dumps({"response": response})


def encode_error(station_id: str, error: LaddnetError) -> bytes:
    """The reply for an error a StationLink raised (any other is a bug: re-raised by the
    caller's `except`)."""
    kind = next(k for t, k in KIND_BY_ERROR.items() if isinstance(error, t))
    body: dict[str, Any] = {"error": kind.value}
    if isinstance(error, StationRejectedCall):
        body.update(code=error.code, description=error.description)
    elif kind is not ReplyError.NOT_CONNECTED:
        body["description"] = str(error)
    return orjson.dumps(body)


def decode_reply(station_id: str, data: bytes) -> dict[str, Any]:
    """The station's answer, or the domain error the holding node met, raised here."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError:
        raw = None
    if isinstance(raw, dict) and isinstance(raw.get("response"), dict):
        response: dict[str, Any] = raw["response"]
        return response
    if not isinstance(raw, dict) or raw.get("error") not in ReplyError.__members__.values():
        raise StationDidNotAnswer(f"the node holding {station_id} sent an unreadable reply")
    kind = ReplyError(raw["error"])
    description = str(raw.get("description", ""))
    if kind is ReplyError.NOT_CONNECTED:
        raise StationNotConnected(station_id)
    if kind is ReplyError.TIMEOUT:
        raise StationDidNotAnswer(description or f"station {station_id} did not answer in time")
    if kind is ReplyError.REJECTED:
        raise StationRejectedCall(str(raw.get("code", "GenericError")), description)
    raise InvalidInput(description or "the station's OCPP version refused the command")
