"""Sites and the stations on them."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from laddnet.adapters.db.repositories._sql import insert_ignoring_duplicates
from laddnet.adapters.db.tables import sites, stations
from laddnet.domain.errors import DuplicateSite
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.sites.model import OpeningHours, Site, SiteDetails


class SqlSiteRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, site: Site) -> None:
        stmt = (
            insert_ignoring_duplicates(self._conn, sites)
            .values(
                id=site.id,
                created_at=site.created_at,
                updated_at=site.updated_at,
                **_columns(site.details),
            )
            .returning(sites.c.id)
        )
        if self._conn.execute(stmt).first() is None:
            raise DuplicateSite(site.id)

    def save(self, site: Site) -> None:
        """Store the site's details and its updated_at."""
        self._conn.execute(
            update(sites)
            .where(sites.c.id == site.id)
            .values(updated_at=site.updated_at, **_columns(site.details))
        )

    def exists(self, site_id: SiteId) -> bool:
        found = self._conn.execute(select(sites.c.id).where(sites.c.id == site_id)).first()
        return found is not None

    def get(self, site_id: SiteId) -> Site | None:
        row = self._conn.execute(select(sites).where(sites.c.id == site_id)).first()
        if row is None:
            return None
        return _site(row._mapping, _station_ids(self._conn, [site_id])[site_id])

    def list(
        self, *, limit: int, offset: int, only: frozenset[str] | None = None
    ) -> tuple[list[Site], int]:
        scope = sites.c.id.in_(sorted(only)) if only is not None else sites.c.id.is_not(None)
        total = self._conn.execute(
            select(func.count()).select_from(sites).where(scope)
        ).scalar_one()
        rows = self._conn.execute(
            select(sites).where(scope).order_by(sites.c.id).limit(limit).offset(offset)
        ).all()
        ids = _station_ids(self._conn, [r.id for r in rows])
        return [_site(r._mapping, ids[r.id]) for r in rows], int(total)

    def delete(self, site_id: SiteId) -> None:
        """Delete the site; decommissioned stations that were on it no longer name it."""
        self._conn.execute(
            update(stations)
            .where(stations.c.site_id == site_id, stations.c.decommissioned_at.is_not(None))
            .values(site_id=None)
        )
        self._conn.execute(delete(sites).where(sites.c.id == site_id))


def _columns(details: SiteDetails) -> dict[str, Any]:
    values = asdict(details)
    hours = details.opening_hours
    values["opening_hours"] = hours.to_json() if hours is not None else None
    values["vat_percent"] = str(details.vat_percent)
    return values


def _site(m: Any, station_ids: list[StationId]) -> Site:
    hours = m["opening_hours"]
    details = SiteDetails(
        name=m["name"],
        time_zone=m["time_zone"],
        address=m["address"],
        postal_code=m["postal_code"],
        city=m["city"],
        country=m["country"],
        latitude=m["latitude"],
        longitude=m["longitude"],
        opening_hours=OpeningHours.from_json(hours) if hours is not None else None,
        currency=m["currency"],
        vat_percent=Decimal(m["vat_percent"]),
    )
    return Site(
        id=SiteId(m["id"]),
        details=details,
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        station_ids=tuple(station_ids),
    )


def _station_ids(conn: Connection, site_ids: list[str]) -> dict[str, list[StationId]]:
    """The stations in service on each site, by id."""
    out: dict[str, list[StationId]] = {i: [] for i in site_ids}
    if not site_ids:
        return out
    rows = conn.execute(
        select(stations.c.site_id, stations.c.id)
        .where(stations.c.site_id.in_(site_ids), stations.c.decommissioned_at.is_(None))
        .order_by(stations.c.id)
    )
    for site_id, station_id in rows:
        out[site_id].append(StationId(station_id))
    return out
