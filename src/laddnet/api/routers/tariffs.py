"""Tariffs: versions, where they apply, and previews of what a session would cost."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.deps import ContainerDep, FinanceDep, PageDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES
from laddnet.api.params import INT32_MAX, Instant
from laddnet.api.schemas.tariffs import (
    CUSTOMER_GROUP_DOC,
    TARIFF_BODY_SCHEMA,
    AppliedTariffOut,
    CustomerGroupName,
    PreviewOut,
    TariffAssignment,
    TariffOut,
    TariffPage,
)
from laddnet.domain.errors import InvalidInput, NotFound
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.preview import DescribedSession, PowerStep
from laddnet.domain.pricing.records import CustomerGroup, TargetKind, TariffId

router = APIRouter(tags=["tariffs"])
_JSON = {"application/json": {"schema": TARIFF_BODY_SCHEMA}}
_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": _JSON}}


async def _json_body(request: Request) -> dict[str, Any]:
    """The body as JSON with numbers read exactly (0.1 is Decimal("0.1"), never a float)."""
    try:
        body = json.loads(await request.body(), parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"body: not valid JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise InvalidInput("body: a JSON object")
    return body


@router.post(
    "/tariffs",
    status_code=201,
    summary="Create a tariff (version 1)",
    responses=WRITE_RESPONSES,
    openapi_extra=_BODY,
)
async def create_tariff(request: Request, container: ContainerDep, writer: FinanceDep) -> TariffOut:
    stored = await container.tariffs.create_tariff(await _json_body(request), writer.actor)
    return TariffOut.from_domain(stored)


@router.get("/tariffs", summary="List tariffs (their current versions), ordered by id")
async def list_tariffs(container: ContainerDep, page: PageDep) -> TariffPage:
    items, total = await container.tariffs.list(limit=page.limit, offset=page.offset)
    return TariffPage(
        items=[TariffOut.from_domain(t) for t in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/tariffs/{tariff_id}", summary="A tariff's current (or a given) version",
            responses=NOT_FOUND_RESPONSE)  # fmt: skip
async def get_tariff(
    tariff_id: str,
    container: ContainerDep,
    version: Annotated[int | None, Query(ge=1, le=INT32_MAX, description="A past version.")] = None,
) -> TariffOut:
    return TariffOut.from_domain(await container.tariffs.get(TariffId(tariff_id), version))


@router.put(
    "/tariffs/{tariff_id}",
    summary="Make a new version of a tariff (sessions already started keep theirs)",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
    openapi_extra=_BODY,
)
async def update_tariff(
    tariff_id: str, request: Request, container: ContainerDep, writer: FinanceDep
) -> TariffOut:
    body = await _json_body(request)
    stored = await container.tariffs.update_tariff(TariffId(tariff_id), body, writer.actor)
    return TariffOut.from_domain(stored)


class PowerStepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Instant
    power_kw: Decimal = Field(ge=0)


class PreviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Instant
    stop: Instant
    energy_kwh: Decimal | None = Field(None, description="Spread evenly over the charging time.")
    charging_ended_at: Instant | None = Field(
        None, description="From then until stop the car is parked (PARKING_TIME)."
    )
    profile: list[PowerStepBody] = Field(
        default_factory=list, description="Power over time instead of energy_kwh."
    )
    time_zone: str = Field("Europe/Stockholm", description="The site's IANA time zone.")
    version: int | None = Field(
        None, ge=1, le=INT32_MAX, description="A past version of the tariff."
    )

    def described(self) -> DescribedSession:
        return DescribedSession(
            start=self.start,
            stop=self.stop,
            energy_kwh=self.energy_kwh,
            charging_ended_at=self.charging_ended_at,
            profile=tuple(PowerStep(p.at, p.power_kw) for p in self.profile),
        )


@router.post(
    "/tariffs/{tariff_id}/preview",
    summary="Price a described session with the tariff; nothing is stored",
    responses=NOT_FOUND_RESPONSE,
)
async def preview(tariff_id: str, body: PreviewBody, container: ContainerDep) -> PreviewOut:
    stored, priced = await container.tariffs.preview(
        TariffId(tariff_id), body.described(), body.time_zone, body.version
    )
    return PreviewOut.from_domain(stored, priced)


@router.put(
    "/stations/{station_id}/tariff",
    status_code=204,
    summary="Assign a tariff to a station, or to one of its EVSEs",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def assign_station_tariff(
    station_id: str, body: TariffAssignment, container: ContainerDep, writer: FinanceDep
) -> None:
    kind = TargetKind.STATION if body.evse_id is None else TargetKind.EVSE
    group = CustomerGroup(body.customer_group) if body.customer_group else None
    await container.tariffs.assign(
        kind, station_id, body.evse_id or 0, TariffId(body.tariff_id), writer.actor, group
    )


@router.get(
    "/stations/{station_id}/tariff",
    summary="The tariff version a new session at the station (or EVSE) would get",
    responses=NOT_FOUND_RESPONSE,
)
async def station_tariff(
    station_id: str,
    container: ContainerDep,
    evse_id: Annotated[int | None, Query(ge=1, le=INT32_MAX)] = None,
    customer_group: Annotated[
        CustomerGroupName | None, Query(description="For a session of this group.")
    ] = None,
) -> AppliedTariffOut:
    group = CustomerGroup(customer_group) if customer_group else None
    applied = await container.tariffs.applying(StationId(station_id), evse_id, group)
    if applied is None:
        raise NotFound(f"no tariff applies at station {station_id!r}")
    return AppliedTariffOut.from_domain(applied)


class SiteTariffBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tariff_id: str
    customer_group: CustomerGroupName | None = Field(None, description=CUSTOMER_GROUP_DOC)


@router.put(
    "/sites/{site_id}/tariff",
    status_code=204,
    summary="Assign a tariff to a site (its stations' default)",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def assign_site_tariff(
    site_id: str, body: SiteTariffBody, container: ContainerDep, writer: FinanceDep
) -> None:
    group = CustomerGroup(body.customer_group) if body.customer_group else None
    await container.tariffs.assign(
        TargetKind.SITE, site_id, 0, TariffId(body.tariff_id), writer.actor, group
    )
