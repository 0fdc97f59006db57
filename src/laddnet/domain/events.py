"""Domain events as clients see them: published after commit from the outbox, on the live
stream (SSE) and to webhooks. An `Event` is small and JSON-serializable so that any bus
(in-process, Redis, NATS) can carry it between processes."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    STATION_CONNECTED = "station.connected"
    STATION_DISCONNECTED = "station.disconnected"
    STATION_BOOTED = "station.booted"
    CONNECTOR_STATUS_CHANGED = "connector.status_changed"
    SESSION_STARTED = "session.started"
    SESSION_UPDATED = "session.updated"
    SESSION_ENDED = "session.ended"
    COMMAND_COMPLETED = "command.completed"
    FIRMWARE_STATUS_CHANGED = "firmware.status_changed"
    LOG_UPLOADED = "log.uploaded"
    RESERVATION_ENDED = "reservation.ended"
    CDR_ISSUED = "cdr.issued"
    SESSION_UNPRICED = "session.unpriced"  # ended without a CDR: no tariff applied, or review
    SERVICE_STATUS_CHANGED = "service_status.changed"
    ALERT_OPENED = "alert.opened"
    ALERT_CLOSED = "alert.closed"
    MAINTENANCE_CHANGED = "maintenance.changed"
    TICKET_CHANGED = "ticket.changed"
    CERTIFICATE_EXPIRING = "certificate.expiring"  # a station certificate close to expiry
    CERTIFICATE_RENEWAL_FAILED = "certificate.renewal_failed"  # renewal could not be asked
    CERTIFICATE_REVOKED = "certificate.revoked"  # a station certificate revoked by an operator
    STATION_NEW_NETWORK = "station.new_network"  # connected from a network never used before
    SECURITY_EVENT_RECORDED = "security_event.recorded"
    CDR_CORRECTED = "cdr.corrected"  # late data changed an issued CDR's price: credit + re-issue


ALL_EVENTS = "*"


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change. `id` is the outbox row's id: unique, and increasing in commit
    order within one node. `time` is when Laddnet committed it (aware UTC)."""

    id: int
    type: str
    time: datetime
    station_id: str | None
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "time": self.time.isoformat(),
            "station_id": self.station_id,
            "data": self.data,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=str)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        time = datetime.fromisoformat(raw["time"])
        if time.tzinfo is None:
            raise ValueError("an event time must carry its timezone")
        return cls(int(raw["id"]), str(raw["type"]), time, raw.get("station_id"), raw["data"])

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        return cls.from_dict(json.loads(text))


def matches(
    event: Event, types: Iterable[str] | None = None, station_id: str | None = None
) -> bool:
    """Whether a subscriber asking for `types` (None or containing "*": all) and
    `station_id` (None: all) wants `event`."""
    if station_id is not None and event.station_id != station_id:
        return False
    if types is None:
        return True
    wanted = set(types)
    return ALL_EVENTS in wanted or event.type in wanted


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Laddnet-Signature` header of a webhook request: HMAC-SHA256 over
    "{timestamp}.{body}" keyed with the webhook's secret, as `v1=<hex>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def retry_delay(attempts: int, schedule: tuple[float, ...], jitter: float) -> float | None:
    """Seconds to wait after `attempts` failed attempts (`jitter` in [0, 1) stretches it by
    up to 20 %), or None once the schedule is spent: give up."""
    if attempts < 1 or attempts > len(schedule):
        return None
    return schedule[attempts - 1] * (1 + 0.2 * jitter)
