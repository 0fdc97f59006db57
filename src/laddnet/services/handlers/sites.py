"""Site handlers: create, change and delete an operator's locations, each audited."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from laddnet.domain.errors import Conflict, UnknownSite
from laddnet.domain.ids import SiteId
from laddnet.domain.sites.model import OpeningHours, Site, SiteDetails, check_site_id, validated
from laddnet.ports import Clock, Database, UnitOfWork

# The fields `update_site` may change: all of SiteDetails.
SITE_FIELDS = frozenset(SiteDetails.__dataclass_fields__)


class SiteService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def create_site(self, site_id: str | None, details: SiteDetails, actor: str) -> Site:
        """A new site; without an id it gets a generated one. DuplicateSite if the id is
        taken, InvalidInput naming the field for a bad one."""
        sid = check_site_id(site_id) if site_id is not None else SiteId(str(uuid.uuid4()))
        now = self._clock.now()
        site = Site(sid, validated(details), created_at=now, updated_at=now)

        def create(uow: UnitOfWork) -> Site:
            uow.sites.add(site)
            uow.audit.record(actor, "site.created", "site", sid, _audit(site.details), now)
            return site

        return await self._db.write(create)

    async def update_site(self, site_id: SiteId, changes: dict[str, Any], actor: str) -> Site:
        """Change the named fields (None clears an optional one); the result is validated as
        a whole. UnknownSite if there is no such site."""
        unknown = set(changes) - SITE_FIELDS
        if unknown:
            raise ValueError(f"not site fields: {sorted(unknown)}")  # a caller's bug
        now = self._clock.now()

        def update(uow: UnitOfWork) -> Site:
            site = uow.sites.get(site_id)
            if site is None:
                raise UnknownSite(f"site {site_id!r} not found")
            details = validated(replace(site.details, **changes))
            updated = replace(site, details=details, updated_at=now)
            uow.sites.save(updated)
            changed = {k: v for k, v in _audit(details).items() if k in changes}
            uow.audit.record(actor, "site.updated", "site", site_id, changed, now)
            return updated

        return await self._db.write(update)

    async def delete_site(self, site_id: SiteId, actor: str) -> None:
        """Delete a site with no station in service on it (Conflict otherwise)."""
        now = self._clock.now()

        def delete(uow: UnitOfWork) -> None:
            site = uow.sites.get(site_id)
            if site is None:
                raise UnknownSite(f"site {site_id!r} not found")
            if site.station_ids:
                names = ", ".join(site.station_ids)
                raise Conflict(
                    f"site {site_id!r} still has stations ({names}); move them to another "
                    "site or decommission them first"
                )
            uow.sites.delete(site_id)
            uow.audit.record(
                actor, "site.deleted", "site", site_id, {"name": site.details.name}, now
            )

        await self._db.write(delete)


def _audit(details: SiteDetails) -> dict[str, Any]:
    """The details as JSON for the audit log (a site holds no secret)."""
    values = {name: getattr(details, name) for name in sorted(SITE_FIELDS)}
    hours = details.opening_hours
    values["opening_hours"] = hours.to_json() if isinstance(hours, OpeningHours) else None
    values["vat_percent"] = str(details.vat_percent)
    return values
