"""Station operations as the API shows them: configuration, firmware, log uploads, reservations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.operations.model import (
    ConfigurationItem,
    FirmwareUpdate,
    LogUpload,
    Reservation,
    ReservationStatus,
)


class ConfigurationItemOut(BaseModel):
    component: str = Field(description='2.0.1 component; "" for a 1.6 key')
    component_instance: str
    variable: str = Field(description="2.0.1 variable, or the 1.6 key")
    variable_instance: str
    evse_id: int = Field(description="0: not tied to an EVSE")
    connector_id: int
    type: str = Field(description="Attribute type: Actual, Target, MinSet, MaxSet (1.6: Actual)")
    value: str | None
    mutability: str | None
    readonly: bool
    characteristics: dict[str, Any] | None
    reported_at: UtcDateTime | None

    @classmethod
    def from_domain(cls, i: ConfigurationItem) -> ConfigurationItemOut:
        return cls(
            component=i.component,
            component_instance=i.component_instance,
            variable=i.variable,
            variable_instance=i.variable_instance,
            evse_id=i.evse_id,
            connector_id=i.connector_id,
            type=i.attribute_type,
            value=i.value,
            mutability=i.mutability,
            readonly=i.readonly,
            characteristics=i.characteristics,
            reported_at=i.reported_at,
        )


class ConfigurationOut(BaseModel):
    items: list[ConfigurationItemOut]


class FirmwareStatusOut(BaseModel):
    status: str
    received_at: UtcDateTime


class FirmwareUpdateOut(BaseModel):
    id: int
    request_id: int
    location: str
    retrieve_at: UtcDateTime
    status: str = Field(description="Sent, Requested, Rejected, then what the station reported")
    requested_at: UtcDateTime
    updated_at: UtcDateTime
    command_id: int | None
    statuses: list[FirmwareStatusOut] = Field(description="As reported, oldest first")

    @classmethod
    def from_domain(cls, u: FirmwareUpdate) -> FirmwareUpdateOut:
        return cls(
            id=u.id,
            request_id=u.request_id,
            location=u.location,
            retrieve_at=u.retrieve_at,
            status=u.status,
            requested_at=u.requested_at,
            updated_at=u.updated_at,
            command_id=u.command_id,
            statuses=[
                FirmwareStatusOut(status=s.status, received_at=s.received_at) for s in u.statuses
            ],
        )


class FirmwareOut(BaseModel):
    station_id: str
    firmware_version: str | None = Field(description="As the station's last boot reported it")
    updates: list[FirmwareUpdateOut] = Field(description="Newest first")


class LogUploadOut(BaseModel):
    id: int
    request_id: int
    type: str
    status: str = Field(description="Sent, Accepted/Rejected, then Uploading, Uploaded, ...")
    requested_at: UtcDateTime
    expires_at: UtcDateTime
    command_id: int | None
    filename: str | None
    size_bytes: int | None
    uploaded_at: UtcDateTime | None

    @classmethod
    def from_domain(cls, u: LogUpload) -> LogUploadOut:
        return cls(
            id=u.id,
            request_id=u.request_id,
            type=u.log_type,
            status=u.status,
            requested_at=u.requested_at,
            expires_at=u.expires_at,
            command_id=u.command_id,
            filename=u.filename,
            size_bytes=u.size_bytes,
            uploaded_at=u.uploaded_at,
        )


class LogUploadsOut(BaseModel):
    items: list[LogUploadOut]


class ReservationOut(BaseModel):
    id: int = Field(description="The reservationId the station knows")
    evse_id: int | None
    id_token: str
    expires_at: UtcDateTime
    status: ReservationStatus
    created_at: UtcDateTime
    updated_at: UtcDateTime
    command_id: int | None

    @classmethod
    def from_domain(cls, r: Reservation) -> ReservationOut:
        return cls(
            id=r.id,
            evse_id=r.evse_id,
            id_token=r.id_token,
            expires_at=r.expires_at,
            status=r.status,
            created_at=r.created_at,
            updated_at=r.updated_at,
            command_id=r.command_id,
        )


class ReservationsOut(BaseModel):
    items: list[ReservationOut]
