"""Command bodies (one model per command, unknown fields refused) and command answers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AnyUrl, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.certificates import CERTIFICATE_BODIES
from laddnet.domain.authorization.model import fold_token
from laddnet.domain.commands.model import CommandName, CommandOutcome, CommandRecord


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reset(Body):
    type: Literal["soft", "hard"] = Field(
        description="soft: 1.6 Soft / 2.0.1 OnIdle; hard: 1.6 Hard / 2.0.1 Immediate"
    )
    evse_id: int | None = Field(None, ge=1, description="2.0.1 only: reset this EVSE")


class UnlockConnector(Body):
    evse_id: int = Field(ge=1)
    connector_id: int = Field(1, ge=1)


class ChangeAvailability(Body):
    operative: bool
    evse_id: int | None = Field(None, ge=0, description="None or 0: the whole station")
    connector_id: int | None = Field(None, ge=1)


class RemoteStart(Body):
    id_token: str = Field(min_length=1, max_length=36)
    evse_id: int | None = Field(None, ge=1)
    id_token_type: str | None = Field(
        None, max_length=20, description="2.0.1 IdTokenType (default ISO14443)"
    )


class RemoteStop(Body):
    session_id: int = Field(ge=1, description="Laddnet's session id")


class TriggerMessage(Body):
    message: str = Field(
        min_length=1,
        max_length=50,
        description="StatusNotification, BootNotification, MeterValues, Heartbeat, "
        "FirmwareStatusNotification, LogStatusNotification (1.6: DiagnosticsStatusNotification)",
    )
    evse_id: int | None = Field(None, ge=0)


class ClearCache(Body):
    pass


class GetConfiguration(Body):
    keys: list[str] | None = Field(
        None,
        max_length=100,
        description="1.6 keys, or 2.0.1 variables as Component.Variable; none: everything "
        "(2.0.1: a full base report, stored when the station sends it)",
    )
    report: Literal["FullInventory", "ConfigurationInventory"] | None = Field(
        None,
        description="2.0.1, without keys: the base report asked for (default FullInventory; "
        "ConfigurationInventory: the configuration variables only)",
    )

    @model_validator(mode="after")
    def _keys_or_report(self) -> GetConfiguration:
        if self.keys and self.report is not None:
            raise ValueError("give keys or report, not both")
        return self


class VariableValue(Body):
    component: str = Field(min_length=1, max_length=50)
    variable: str = Field(min_length=1, max_length=50)
    value: str = Field(max_length=1000)


class SetConfiguration(Body):
    value: str | None = Field(
        None, max_length=1000, description="with key, or component and variable"
    )
    key: str | None = Field(None, max_length=50, description="1.6")
    component: str | None = Field(None, max_length=50, description="2.0.1")
    variable: str | None = Field(None, max_length=50, description="2.0.1")
    variables: list[VariableValue] | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="2.0.1: several variables in one SetVariablesRequest (instead of the fields"
        " above)",
    )

    @model_validator(mode="after")
    def _one_form(self) -> SetConfiguration:
        single = (self.value, self.key, self.component, self.variable)
        if self.variables is not None:
            if any(f is not None for f in single):
                raise ValueError("give variables, or value with key / component and variable")
            names = [(v.component, v.variable) for v in self.variables]
            if len(set(names)) != len(names):
                raise ValueError("variables: a component's variable is listed twice")
        elif self.value is None:
            raise ValueError("value is required (or variables, for 2.0.1)")
        return self


class DataTransfer(Body):
    vendor_id: str = Field(min_length=1, max_length=255)
    message_id: str | None = Field(None, max_length=50)
    data: Any = None


class UpdateFirmware(Body):
    """Download and install firmware; follow it in GET /stations/{id}/firmware."""

    location: AnyUrl = Field(description="Where the station downloads the firmware")
    retrieve_at: AwareDatetime = Field(description="When to start the download")
    retries: int | None = Field(None, ge=0, le=100)
    retry_interval: int | None = Field(None, ge=0, description="Seconds between retries")
    signature: str | None = Field(
        None,
        max_length=800,
        description="Base64; 1.6: sent as the security extension's SignedUpdateFirmware",
    )
    signing_certificate: str | None = Field(
        None, max_length=5500, description="PEM: the signing certificate, then any intermediate CAs"
    )
    install_at: AwareDatetime | None = Field(None, description="2.0.1 and signed 1.6 only")
    firmware_sha256: str | None = Field(
        None,
        min_length=64,
        max_length=64,
        pattern="^[0-9a-fA-F]{64}$",
        description="Hex SHA-256 of the firmware file: a signed update's signature is checked"
        " over it (against LADDNET_FIRMWARE_SIGNING_CA) before the command is sent",
    )


class GetLog(Body):
    """Have the station upload a log to Laddnet; list and download it under
    GET /stations/{id}/logs."""

    type: Literal["diagnostics", "security"] = Field(
        description="diagnostics: 1.6 GetDiagnostics / 2.0.1 DiagnosticsLog; security: GetLog "
        "SecurityLog (1.6 through the security extension)"
    )
    since: AwareDatetime | None = None
    until: AwareDatetime | None = None
    retries: int | None = Field(None, ge=0, le=100)
    retry_interval: int | None = Field(None, ge=0)


class ReserveNow(Body):
    """Reserve an EVSE (1.6: connector) for an id token until expires_at."""

    id_token: str = Field(min_length=1, max_length=20)
    evse_id: int = Field(0, ge=0, description="0: any EVSE (if the station allows it)")
    expires_at: AwareDatetime
    id_token_type: str | None = Field(None, max_length=20, description="2.0.1 (ISO14443)")


class CancelReservation(Body):
    reservation_id: int = Field(ge=1)


class LocalListToken(Body):
    id_token: str = Field(min_length=1, max_length=20)
    status: Literal["Accepted", "Blocked", "Expired", "Invalid"]
    expires_at: AwareDatetime | None = None
    group: str | None = Field(None, max_length=20, description="1.6 parentIdTag / 2.0.1 group")
    id_token_type: str | None = Field(None, max_length=20, description="2.0.1 (ISO14443)")


class SendLocalList(Body):
    """Replace (full) or amend (differential) the station's local authorization list."""

    version: int = Field(ge=1)
    update: Literal["full", "differential"]
    tokens: list[LocalListToken] = Field(default_factory=list, max_length=10_000)

    @model_validator(mode="after")
    def _tokens_once(self) -> SendLocalList:
        # Id tokens are case-insensitive (1.6 CiString20Type, 2.0.1 IdToken): "AB" and "ab"
        # are one entry, and a list naming a token twice would leave its state to the station.
        seen: set[str] = set()
        for token in self.tokens:
            key = fold_token(token.id_token)
            if key in seen:
                raise ValueError(f"tokens: {token.id_token!r} is listed twice (case-insensitive)")
            seen.add(key)
        return self


class CustomerCertificate(Body):
    hash_algorithm: Literal["SHA256", "SHA384", "SHA512"]
    issuer_name_hash: str = Field(min_length=1, max_length=128)
    issuer_key_hash: str = Field(min_length=1, max_length=128)
    serial_number: str = Field(min_length=1, max_length=40)


class CustomerInformation(Body):
    """OCPP 2.0.1 only: have the station report and/or clear what it holds about one customer,
    named by exactly one of id_token, customer_certificate or customer_identifier. The report
    comes in NotifyCustomerInformation parts, stored encrypted: read it with
    GET /stations/{id}/customer-information/{command_id}."""

    report: bool = Field(True, description="send the customer's data (in parts)")
    clear: bool = Field(False, description="delete the customer's data")
    id_token: str | None = Field(None, min_length=1, max_length=36)
    id_token_type: str | None = Field(None, max_length=20, description="2.0.1 (ISO14443)")
    customer_certificate: CustomerCertificate | None = None
    customer_identifier: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_customer(self) -> CustomerInformation:
        named = [self.id_token, self.customer_certificate, self.customer_identifier]
        if sum(x is not None for x in named) != 1:
            raise ValueError(
                "name the customer by exactly one of id_token, customer_certificate,"
                " customer_identifier"
            )
        if not (self.report or self.clear):
            raise ValueError("report, clear or both")
        return self


class GetTransactionStatus(Body):
    """2.0.1: is a transaction still going on at the station, and does the station still hold
    transaction messages it has not delivered? Without an id: any undelivered messages."""

    session_id: int | None = Field(None, ge=1, description="Laddnet's session id")
    transaction_id: str | None = Field(
        None,
        min_length=1,
        max_length=36,
        description="The station's own transaction id (instead of session_id)",
    )

    @model_validator(mode="after")
    def _one_id(self) -> GetTransactionStatus:
        if self.session_id is not None and self.transaction_id is not None:
            raise ValueError("give session_id or transaction_id, not both")
        return self


class GetLocalListVersion(Body):
    pass


BODIES: dict[CommandName, type[Body]] = {
    CommandName.RESET: Reset,
    CommandName.UNLOCK_CONNECTOR: UnlockConnector,
    CommandName.CHANGE_AVAILABILITY: ChangeAvailability,
    CommandName.REMOTE_START: RemoteStart,
    CommandName.REMOTE_STOP: RemoteStop,
    CommandName.TRIGGER_MESSAGE: TriggerMessage,
    CommandName.CLEAR_CACHE: ClearCache,
    CommandName.GET_CONFIGURATION: GetConfiguration,
    CommandName.SET_CONFIGURATION: SetConfiguration,
    CommandName.DATA_TRANSFER: DataTransfer,
    CommandName.UPDATE_FIRMWARE: UpdateFirmware,
    CommandName.GET_LOG: GetLog,
    CommandName.RESERVE_NOW: ReserveNow,
    CommandName.CANCEL_RESERVATION: CancelReservation,
    CommandName.SEND_LOCAL_LIST: SendLocalList,
    CommandName.CUSTOMER_INFORMATION: CustomerInformation,
    CommandName.GET_TRANSACTION_STATUS: GetTransactionStatus,
    CommandName.GET_LOCAL_LIST_VERSION: GetLocalListVersion,
    **CERTIFICATE_BODIES,  # type: ignore[dict-item]
}


class CommandOut(BaseModel):
    command_id: int
    status: str = Field(description="The station's status word: Accepted, Rejected, Unlocked...")
    response: dict[str, Any] = Field(description="The station's whole answer")


class BulkCommandIn(Body):
    station_ids: list[str] = Field(min_length=1, max_length=1000)
    command: CommandName
    body: dict[str, Any] = Field(default_factory=dict)


class BulkError(BaseModel):
    code: str
    message: str


class BulkItem(BaseModel):
    station_id: str
    http_status: int = Field(description="What the single-station endpoint would have answered")
    command_id: int | None = None
    status: str | None = None
    response: dict[str, Any] | None = None
    error: BulkError | None = None


class BulkCommandOut(BaseModel):
    items: list[BulkItem]


class CommandRecordOut(BaseModel):
    id: int
    station_id: str
    name: str
    body: dict[str, Any]
    sent_by: str
    requested_at: UtcDateTime
    outcome: CommandOutcome
    ocpp_action: str | None
    request: dict[str, Any] | None
    status: str | None
    response: dict[str, Any] | None
    error: str | None
    answered_at: UtcDateTime | None

    @classmethod
    def from_domain(cls, record: CommandRecord) -> CommandRecordOut:
        return cls(
            id=record.id,
            station_id=record.station_id,
            name=record.name,
            body=record.body,
            sent_by=record.sent_by,
            requested_at=record.requested_at,
            outcome=record.outcome,
            ocpp_action=record.ocpp_action,
            request=record.request,
            status=record.status,
            response=record.response,
            error=record.error,
            answered_at=record.answered_at,
        )


class CommandPage(BaseModel):
    items: list[CommandRecordOut]
    total: int
    limit: int
    offset: int
