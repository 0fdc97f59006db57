"""Tariffs as Laddnet keeps them: named, versioned (a change makes a new version, none is ever
altered), and assigned to a site, a station or one EVSE, the most specific one applying;
optionally for one customer group, which then applies to that group's sessions there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType

from laddnet.domain.errors import InvalidInput, NotFound
from laddnet.domain.pricing.tariff import Tariff

TariffId = NewType("TariffId", str)
MAX_TARIFF_ID = 36
MAX_NAME = 100


class UnknownTariff(NotFound):
    pass


class TargetKind(StrEnum):
    """Where a tariff is assigned, least specific first."""

    SITE = "site"
    STATION = "station"
    EVSE = "evse"


class CustomerGroup(StrEnum):
    """Whose session it is: from the id token that started it (ad_hoc when unknown)."""

    AD_HOC = "ad_hoc"
    MEMBER = "member"
    FLEET = "fleet"
    ROAMING = "roaming"


def check_customer_group(value: str) -> CustomerGroup:
    try:
        return CustomerGroup(value)
    except ValueError:
        names = ", ".join(g.value for g in CustomerGroup)
        raise InvalidInput(f"customer_group: one of {names}") from None


def customer_group(value: str | None) -> CustomerGroup:
    """A token's group, ad_hoc when it has none (or is unknown)."""
    try:
        return CustomerGroup(value) if value else CustomerGroup.AD_HOC
    except ValueError:
        return CustomerGroup.AD_HOC


@dataclass(frozen=True, slots=True)
class TariffVersion:
    tariff_id: TariffId
    name: str
    version: int
    tariff: Tariff
    created_at: datetime
    created_by: str
    current_version: int  # the tariff's newest version, for lists


@dataclass(frozen=True, slots=True)
class AppliedTariff:
    """The tariff version that applies at a station's EVSE, and where it was assigned."""

    tariff_id: TariffId
    version: int
    source: TargetKind


@dataclass(frozen=True, slots=True)
class Assignment:
    kind: TargetKind
    target_id: str
    evse_id: int
    tariff_id: TariffId
    customer_group: CustomerGroup | None = None  # None: for every group without its own


def check_tariff_id(tariff_id: str) -> TariffId:
    allowed = tariff_id.replace("-", "").replace("_", "").replace(".", "")
    if not 1 <= len(tariff_id) <= MAX_TARIFF_ID or not (allowed.isascii() and allowed.isalnum()):
        raise InvalidInput(f"id: a tariff id is 1-{MAX_TARIFF_ID} letters, digits, '-', '_' or '.'")
    return TariffId(tariff_id)


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise InvalidInput(f"name: 1 to {MAX_NAME} characters, not blank")
    return name


def most_specific(
    candidates: list[Assignment], evse_id: int | None, group: CustomerGroup | None = None
) -> Assignment | None:
    """The EVSE's own assignment, else the station's, else the site's; at each of these the
    one for the session's customer group, else the one for no group. (Place first: a station's
    own tariff applies to a fleet's session there even if its site has a fleet tariff.)"""
    by_kind: dict[tuple[TargetKind, CustomerGroup | None], Assignment] = {}
    for a in candidates:
        if a.kind is TargetKind.EVSE and a.evse_id != evse_id:
            continue
        if a.customer_group is not None and a.customer_group != group:
            continue
        by_kind[(a.kind, a.customer_group)] = a
    for kind in (TargetKind.EVSE, TargetKind.STATION, TargetKind.SITE):
        for wanted in (group, None) if group is not None else (None,):
            if (kind, wanted) in by_kind:
                return by_kind[(kind, wanted)]
    return None
