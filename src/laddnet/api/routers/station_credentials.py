"""Credentials of running stations changed over OCPP: password rotation (one station or many,
with progress) and security profile upgrades. The generated password never leaves Laddnet
except to the station."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from laddnet.api.deps import ContainerDep, PageDep, PrincipalDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES, ErrorBody
from laddnet.domain.errors import NotAuthorized, UnknownStation
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.security.credentials import ChangeKind, ChangeState, CredentialChange

router = APIRouter(tags=["station security"])

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITE_RESPONSES,
    **NOT_FOUND_RESPONSE,
    409: {"model": ErrorBody, "description": "Never connected, or too many rotations open"},
}


class CredentialChangeOut(BaseModel):
    id: int
    station_id: str
    kind: ChangeKind
    state: ChangeState = Field(
        description="queued, sent, unconfirmed (no answer: old and new password both work),"
        " confirmed (Accepted; in force once the station connects with it), completed, failed"
        " (the old credential stays), superseded"
    )
    batch: str | None = None
    target_profile: int | None = None
    requested_by: str
    requested_at: str
    answered_at: str | None = None
    connected_at: str | None = None
    completed_at: str | None = None
    detail: str | None = None
    command_id: int | None = None
    attempts: int = Field(
        0,
        description="how many times it was sent: a rotation the station never answered is sent"
        " again when it connects, at most 5 times",
    )

    @classmethod
    def from_domain(cls, c: CredentialChange) -> CredentialChangeOut:
        def at(value: Any) -> str | None:
            return value.isoformat() if value is not None else None

        return cls(
            id=c.id,
            station_id=c.station_id,
            kind=c.kind,
            state=c.state,
            batch=c.batch,
            target_profile=int(c.target_profile) if c.target_profile else None,
            requested_by=c.requested_by,
            requested_at=c.requested_at.isoformat(),
            answered_at=at(c.answered_at),
            connected_at=at(c.connected_at),
            completed_at=at(c.completed_at),
            detail=c.detail,
            command_id=c.command_id,
            attempts=c.attempts,
        )


class CredentialChangePage(BaseModel):
    items: list[CredentialChangeOut]
    total: int
    limit: int
    offset: int
    progress: dict[str, int] | None = Field(
        None, description="With `batch`: how many of its stations are in each state"
    )


class BulkRotationIn(BaseModel):
    """Exactly one of `station_ids`, `site_id` or `all`."""

    model_config = {"extra": "forbid"}
    station_ids: list[Annotated[str, Field(min_length=1, max_length=48)]] | None = Field(
        None, min_length=1, max_length=10_000
    )
    site_id: str | None = Field(None, min_length=1, max_length=64)
    all: bool = Field(False, description="Every station that logs in with a password")


class BulkRotationOut(BaseModel):
    batch: str = Field(description="Follow it with GET /api/v1/password-rotations?batch=...")
    progress: dict[str, int]


class ProfileUpgradeIn(BaseModel):
    model_config = {"extra": "forbid"}
    profile: int = Field(ge=2, le=3, description="The security profile to move the station to")
    csms_url: str | None = Field(
        None,
        max_length=512,
        description="2.0.1: the wss:// URL (without the station id) of the listener for that"
        " profile, sent in SetNetworkProfile",
    )
    configuration_slot: int = Field(1, ge=0, le=9, description="2.0.1: the slot to set")
    fallback_slot: int | None = Field(
        None, ge=0, le=9, description="2.0.1: a slot to fall back to, second in the priority"
    )


@router.post(
    "/stations/{station_id}/password-rotation",
    summary="Give a connected station a new generated password over OCPP",
    description="1.6: ChangeConfiguration AuthorizationKey (hex); 2.0.1: SetVariables"
    " SecurityCtrlr.BasicAuthPassword. Until the station has answered Accepted *and* connected"
    " with the new password, the old one keeps working. The password is never returned.",
    responses=_RESPONSES,
)
async def rotate_password(
    station_id: str, container: ContainerDep, writer: WriterDep
) -> CredentialChangeOut:
    change = await container.credentials.rotate_password(
        StationId(station_id), writer.actor, sites=writer.sites
    )
    return CredentialChangeOut.from_domain(change)


@router.post(
    "/password-rotations",
    status_code=202,
    summary="Rotate the passwords of many stations at once, in the background",
    responses=_RESPONSES,
)
async def rotate_many(
    body: BulkRotationIn, container: ContainerDep, writer: WriterDep
) -> BulkRotationOut:
    bulk = await container.credentials.rotate_many(
        writer.actor,
        station_ids=body.station_ids,
        site_id=SiteId(body.site_id) if body.site_id is not None else None,
        every=body.all,
        sites=writer.sites,
    )
    return BulkRotationOut(batch=bulk.batch, progress=bulk.counts)


@router.get(
    "/password-rotations",
    summary="Password rotations and profile upgrades, newest first; a batch's progress",
    responses=NOT_FOUND_RESPONSE,
)
async def list_changes(
    container: ContainerDep,
    page: PageDep,
    principal: PrincipalDep,
    station_id: Annotated[str | None, Query(max_length=48)] = None,
    batch: Annotated[str | None, Query(max_length=40)] = None,
    kind: ChangeKind | None = None,
    state: ChangeState | None = None,
) -> CredentialChangePage:
    if principal.sites is not None:  # a site scope sees its own stations' changes only
        if station_id is None:
            raise NotAuthorized("a site-scoped account lists changes one station at a time")
        station = await container.queries.station(StationId(station_id))
        if station is None or not principal.sees_site(station.site_id):
            raise UnknownStation(f"station {station_id!r} not found")
    changes, total = await container.credentials.changes(
        station_id=station_id,
        batch=batch,
        kind=kind,
        state=state,
        limit=page.limit,
        offset=page.offset,
    )
    progress = None
    if batch is not None and principal.sites is None:
        progress = await container.credentials.progress(batch)
    return CredentialChangePage(
        items=[CredentialChangeOut.from_domain(c) for c in changes],
        total=total,
        limit=page.limit,
        offset=page.offset,
        progress=progress,
    )


@router.post(
    "/stations/{station_id}/security-profile-upgrade",
    summary="Move a connected station to a higher security profile over OCPP",
    description="1.6: ChangeConfiguration SecurityProfile; 2.0.1: SetNetworkProfile,"
    " SetVariables OCPPCommCtrlr.NetworkConfigurationPriority, Reset (OnIdle). The station's"
    " stored profile changes only once it has connected with the new one.",
    responses=_RESPONSES,
)
async def upgrade_profile(
    station_id: str, body: ProfileUpgradeIn, container: ContainerDep, writer: WriterDep
) -> CredentialChangeOut:
    change = await container.credentials.upgrade_profile(
        StationId(station_id),
        body.profile,
        writer.actor,
        csms_url=body.csms_url,
        configuration_slot=body.configuration_slot,
        fallback_slot=body.fallback_slot,
        sites=writer.sites,
    )
    return CredentialChangeOut.from_domain(change)
