"""Station registration and change requests, and the status history. A password is accepted
here and never leaves in a response, except the one Laddnet draws at registration, once."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from laddnet.api.schemas import UtcDateTime
from laddnet.api.schemas.stations import StationOut
from laddnet.domain.stations.history import StatusChange
from laddnet.domain.stations.model import ChargingState, ConnectorStatus
from laddnet.domain.stations.registration import MAX_DISPLAY_NAME, MAX_PASSWORD, MIN_PASSWORD

_BASIC_AUTH_DOC = "Basic-auth password (OCPP security profile 1), 16-40 characters."
_PROFILE_DOC = (
    "OCPP security profile: 1 basic auth over ws://, 2 basic auth over TLS (wss://), 3 client"
    " certificate (mutual TLS). The station is refused on a connection of a lower profile."
)


class StationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=48, description="The id the station logs in with.")
    password: str | None = Field(
        None,
        min_length=MIN_PASSWORD,
        max_length=MAX_PASSWORD,
        description=_BASIC_AUTH_DOC
        + " Required unless security_profile is 3 or generate_password is true.",
    )
    generate_password: bool = Field(
        False,
        description="Laddnet draws the password and answers it once (`password` in the"
        " response). Verified without argon2: a reconnect storm costs far less.",
    )
    site_id: str | None = None
    display_name: str | None = Field(None, max_length=MAX_DISPLAY_NAME)
    security_profile: int = Field(1, ge=1, le=3, description=_PROFILE_DOC)

    @model_validator(mode="after")
    def _one_password(self) -> StationCreate:
        if self.generate_password and self.password is not None:
            raise ValueError("give either password or generate_password, not both")
        return self


class StationCreated(StationOut):
    password: str | None = Field(
        None,
        description="The password Laddnet drew (generate_password), shown only in this"
        " response; null otherwise.",
    )


class StationUpdate(BaseModel):
    """Only the fields sent change; `site_id: null` takes the station off its site."""

    model_config = ConfigDict(extra="forbid")

    site_id: str | None = None
    display_name: str | None = Field(None, max_length=MAX_DISPLAY_NAME)
    password: str | None = Field(
        None,
        min_length=MIN_PASSWORD,
        max_length=MAX_PASSWORD,
        description=_BASIC_AUTH_DOC + " The old one is refused from the station's next login.",
    )
    security_profile: int | None = Field(
        None, ge=1, le=3, description=_PROFILE_DOC + " Applies from the station's next login."
    )
    allowed_networks: list[str] | None = Field(
        None,
        max_length=50,
        description="CIDR networks the station may connect from (e.g. 10.20.0.0/16); checked"
        " before the WebSocket upgrade from its next login. null: from anywhere.",
    )


class StatusChangeOut(BaseModel):
    evse_id: int = Field(description="0 with connector_id 0: the whole station.")
    connector_id: int = Field(description="0: the EVSE's own availability.")
    status: ConnectorStatus
    charging_state: ChargingState | None
    error_code: str | None
    vendor_id: str | None
    vendor_error_code: str | None
    info: str | None
    reported_at: UtcDateTime = Field(description="The station's time of the change.")
    received_at: UtcDateTime = Field(description="When Laddnet received the report.")

    @classmethod
    def from_domain(cls, change: StatusChange) -> StatusChangeOut:
        return cls(
            evse_id=change.evse_id,
            connector_id=change.connector_id,
            status=change.status,
            charging_state=change.charging_state,
            error_code=change.error_code,
            vendor_id=change.vendor_id,
            vendor_error_code=change.vendor_error_code,
            info=change.info,
            reported_at=change.reported_at,
            received_at=change.received_at,
        )


class StatusHistoryPage(BaseModel):
    items: list[StatusChangeOut]
    total: int = Field(description="Changes matching the filters, in all pages.")
    limit: int
    offset: int
