"""Drivers on the wire: their personal data, decrypted for callers allowed to see it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import UtcDateTime
from laddnet.domain.drivers.model import Driver, DriverDetails


class DriverCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=16, description="e.g. sv or en-GB")

    def to_domain(self) -> DriverDetails:
        return DriverDetails(self.name, self.email, self.phone, self.address, self.language)


class DriverUpdate(BaseModel):
    """Only the fields sent change; null clears an optional one."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=24)
    address: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=16)


class DriverOut(BaseModel):
    id: str
    name: str
    email: str | None
    phone: str | None
    address: str | None
    language: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def from_domain(cls, driver: Driver) -> DriverOut:
        d = driver.details
        return cls(
            id=driver.id,
            name=d.name,
            email=d.email,
            phone=d.phone,
            address=d.address,
            language=d.language,
            created_at=driver.created_at,
            updated_at=driver.updated_at,
        )


class DriverPage(BaseModel):
    items: list[DriverOut]
    total: int
    limit: int
    offset: int
