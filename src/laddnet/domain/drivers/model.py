"""A driver's personal data and the rules for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime

from laddnet.domain.errors import InvalidInput, NotFound

# The fields holding personal data: each is stored encrypted.
PERSONAL_FIELDS = ("name", "email", "phone", "address")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{5,24}$")
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


class UnknownDriver(NotFound):
    pass


@dataclass(frozen=True, slots=True)
class DriverDetails:
    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    language: str | None = None  # BCP 47, e.g. "sv" or "en-GB"


@dataclass(frozen=True, slots=True)
class Driver:
    id: str
    details: DriverDetails
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None


DETAIL_FIELDS = frozenset(f.name for f in fields(DriverDetails))


def validated(details: DriverDetails) -> DriverDetails:
    """The details with the e-mail lower-cased; InvalidInput naming a bad field."""
    name = details.name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput("name: 1 to 200 characters")
    email = details.email.strip().lower() if details.email else None
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        raise InvalidInput(f"email: not an e-mail address: {email!r}")
    if details.phone is not None and not _PHONE.match(details.phone):
        raise InvalidInput("phone: digits, spaces, ()- and an optional leading +")
    if details.address is not None and len(details.address) > 500:
        raise InvalidInput("address: at most 500 characters")
    if details.language is not None and not _LANGUAGE.match(details.language):
        raise InvalidInput("language: a language tag such as sv or en-GB")
    return DriverDetails(name, email, details.phone, details.address, details.language)
