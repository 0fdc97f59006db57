"""OCPP-J framing: message type ids, encoding, decoding and the CALLERROR exception."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import orjson

CALL: Final = 2
CALLRESULT: Final = 3
CALLERROR: Final = 4

SUBPROTOCOLS: Final[dict[str, str]] = {"1.6": "ocpp1.6", "2.0.1": "ocpp2.0.1"}


class CallErrorReceived(Exception):
    """The other side answered one of our CALLs with a CALLERROR."""

    def __init__(self, code: str, description: str, details: dict[str, Any]) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.details = details


def encode_call(message_id: str, action: str, payload: dict[str, Any]) -> str:
    return orjson.dumps([CALL, message_id, action, payload]).decode()


def encode_result(message_id: str, payload: dict[str, Any]) -> str:
    return orjson.dumps([CALLRESULT, message_id, payload]).decode()


def encode_error(message_id: str, code: str, description: str = "") -> str:
    return orjson.dumps([CALLERROR, message_id, code, description, {}]).decode()


def decode(text: str | bytes) -> Any:
    """Parse a frame; text that is not JSON is returned unchanged."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    """RFC 3339 UTC timestamp with milliseconds and a `Z` suffix."""
    if ts.tzinfo is None:
        raise ValueError("naive datetime")
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
