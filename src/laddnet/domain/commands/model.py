"""Station commands, version-neutral: what was asked, what went on the wire, what came back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CommandName(StrEnum):
    """The commands of the API and CLI (`POST /api/v1/stations/{id}/commands/{name}`)."""

    RESET = "reset"
    UNLOCK_CONNECTOR = "unlock-connector"
    CHANGE_AVAILABILITY = "change-availability"
    REMOTE_START = "remote-start"
    REMOTE_STOP = "remote-stop"
    TRIGGER_MESSAGE = "trigger-message"
    CLEAR_CACHE = "clear-cache"
    GET_CONFIGURATION = "get-configuration"
    SET_CONFIGURATION = "set-configuration"
    UPDATE_FIRMWARE = "update-firmware"
    GET_LOG = "get-log"
    SEND_LOCAL_LIST = "send-local-list"
    CUSTOMER_INFORMATION = "customer-information"  # 2.0.1 only
    RESERVE_NOW = "reserve-now"
    CANCEL_RESERVATION = "cancel-reservation"
    DATA_TRANSFER = "data-transfer"
    INSTALL_CERTIFICATE = "install-certificate"
    DELETE_CERTIFICATE = "delete-certificate"
    GET_INSTALLED_CERTIFICATE_IDS = "get-installed-certificate-ids"
    GET_TRANSACTION_STATUS = "get-transaction-status"  # 2.0.1 only
    GET_LOCAL_LIST_VERSION = "get-local-list-version"
    CERTIFICATE_SIGNED = "certificate-signed"  # sent by Laddnet after a SignCertificate
    # Sent by Laddnet's credential service (password rotation, profile upgrade, renewal):
    ROTATE_PASSWORD = "rotate-password"  # noqa: S105 - a command name, not a password
    SET_SECURITY_PROFILE = "set-security-profile"
    SET_NETWORK_PROFILE = "set-network-profile"
    RENEW_CERTIFICATE = "renew-certificate"


# Commands only Laddnet sends (no `POST .../commands/{name}` route of their own).
INTERNAL_COMMANDS = frozenset(
    {
        CommandName.CERTIFICATE_SIGNED,
        CommandName.ROTATE_PASSWORD,
        CommandName.SET_SECURITY_PROFILE,
        CommandName.SET_NETWORK_PROFILE,
        CommandName.RENEW_CERTIFICATE,
    }
)


class CommandOutcome(StrEnum):
    PENDING = "pending"  # sent, no answer yet
    ANSWERED = "answered"  # the station answered (its status word says how)
    REJECTED = "rejected"  # the station answered with a CALLERROR
    TIMEOUT = "timeout"  # no answer within the call timeout
    OFFLINE = "offline"  # the station was not connected
    FAILED = "failed"  # the node holding the station failed to send it


@dataclass(frozen=True, slots=True)
class OcppRequest:
    """A command as one OCPP CALL of the station's version."""

    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What the caller gets: the station's status word and its whole answer."""

    command_id: int
    status: str
    response: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CommandRecord:
    id: int
    station_id: str
    name: str
    body: dict[str, Any]
    sent_by: str
    requested_at: datetime
    outcome: CommandOutcome
    ocpp_action: str | None = None
    request: dict[str, Any] | None = None
    status: str | None = None
    response: dict[str, Any] | None = None
    error: str | None = None
    answered_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
