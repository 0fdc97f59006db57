"""Sites: an operator's locations and the stations on them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from laddnet.api.deps import ContainerDep, PageDep, PrincipalDep, WriterDep
from laddnet.api.errors import NOT_FOUND_RESPONSE, WRITE_RESPONSES, ErrorBody
from laddnet.api.schemas.sites import SiteCreate, SiteOut, SitePage, SiteUpdate
from laddnet.domain.errors import UnknownSite
from laddnet.domain.ids import SiteId

router = APIRouter(prefix="/sites", tags=["sites"])

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "The id is taken"}
}
_HAS_STATIONS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "Stations are still on the site"}
}


@router.get("", summary="List sites, ordered by id")
async def list_sites(container: ContainerDep, page: PageDep, principal: PrincipalDep) -> SitePage:
    sites, total = await container.queries.sites(
        limit=page.limit, offset=page.offset, only=principal.sites
    )
    return SitePage(
        items=[SiteOut.from_domain(s) for s in sites],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "",
    status_code=201,
    summary="Create a site",
    responses={**WRITE_RESPONSES, **_CONFLICT},
)
async def create_site(body: SiteCreate, container: ContainerDep, writer: WriterDep) -> SiteOut:
    site = await container.sites.create_site(body.id, body.details(), writer.actor)
    return SiteOut.from_domain(site)


@router.get("/{site_id}", summary="One site", responses=NOT_FOUND_RESPONSE)
async def get_site(site_id: str, container: ContainerDep) -> SiteOut:
    site = await container.queries.site(SiteId(site_id))
    if site is None:
        raise UnknownSite(f"site {site_id!r} not found")
    return SiteOut.from_domain(site)


@router.patch(
    "/{site_id}",
    summary="Change a site's fields (only those sent)",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def update_site(
    site_id: str, body: SiteUpdate, container: ContainerDep, writer: WriterDep
) -> SiteOut:
    site = await container.sites.update_site(SiteId(site_id), body.changes(), writer.actor)
    return SiteOut.from_domain(site)


@router.delete(
    "/{site_id}",
    status_code=204,
    summary="Delete a site with no station on it",
    responses={**WRITE_RESPONSES, **NOT_FOUND_RESPONSE, **_HAS_STATIONS},
)
async def delete_site(site_id: str, container: ContainerDep, writer: WriterDep) -> Response:
    await container.sites.delete_site(SiteId(site_id), writer.actor)
    return Response(status_code=204)
