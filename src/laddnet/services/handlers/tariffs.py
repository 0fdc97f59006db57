"""Tariff handlers: create a tariff, make a new version, assign it to a site, a station or an
EVSE, and preview what a described session would cost. Changes are audited."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from laddnet.domain.errors import Conflict, InvalidInput, UnknownSite, UnknownStation
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.pricing.engine import price
from laddnet.domain.pricing.preview import DescribedSession, usage_of
from laddnet.domain.pricing.records import (
    AppliedTariff,
    Assignment,
    CustomerGroup,
    TargetKind,
    TariffId,
    TariffVersion,
    UnknownTariff,
    check_name,
    check_tariff_id,
)
from laddnet.domain.pricing.result import PricedSession
from laddnet.domain.pricing.serialize import tariff_to_json
from laddnet.domain.pricing.validation import tariff_from_json
from laddnet.domain.sites.model import check_time_zone
from laddnet.ports import Clock, Database, UnitOfWork

_NOT_TARIFF = ("id", "name")


class TariffService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def create_tariff(self, body: dict[str, Any], actor: str) -> TariffVersion:
        """A new tariff (version 1) from its JSON shape plus `name` and an optional `id`."""
        raw_id = body.get("id")
        if raw_id is not None and not isinstance(raw_id, str):
            raise InvalidInput("id: a string")
        tariff_id = check_tariff_id(raw_id) if raw_id else TariffId(str(uuid.uuid4()))
        name = check_name(body.get("name"))
        tariff = tariff_from_json({k: v for k, v in body.items() if k not in _NOT_TARIFF})
        now = self._clock.now()

        def create(uow: UnitOfWork) -> TariffVersion:
            if uow.tariffs.get(tariff_id) is not None:
                raise Conflict(f"tariff {tariff_id!r} exists; PUT makes a new version")
            uow.tariffs.add_version(tariff_id, name, tariff, now, actor)
            detail = {"version": 1, "name": name, "tariff": tariff_to_json(tariff)}
            uow.audit.record(actor, "tariff.created", "tariff", tariff_id, detail, now)
            return _stored(uow, tariff_id)

        return await self._db.write(create)

    async def update_tariff(
        self, tariff_id: TariffId, body: dict[str, Any], actor: str
    ) -> TariffVersion:
        """A new version of the tariff; sessions already started keep theirs."""
        tariff = tariff_from_json({k: v for k, v in body.items() if k not in _NOT_TARIFF})
        now = self._clock.now()

        def new_version(uow: UnitOfWork) -> TariffVersion:
            current = uow.tariffs.get(tariff_id)
            if current is None:
                raise UnknownTariff(f"tariff {tariff_id!r} not found")
            name = check_name(body["name"]) if "name" in body else current.name
            version = uow.tariffs.add_version(tariff_id, name, tariff, now, actor)
            detail = {"version": version, "name": name, "tariff": tariff_to_json(tariff)}
            uow.audit.record(actor, "tariff.updated", "tariff", tariff_id, detail, now)
            return _stored(uow, tariff_id)

        return await self._db.write(new_version)

    async def assign(
        self,
        kind: TargetKind,
        target_id: str,
        evse_id: int,
        tariff_id: TariffId,
        actor: str,
        customer_group: CustomerGroup | None = None,
    ) -> None:
        """Assign a tariff; its currency must be the site's. UnknownStation/UnknownSite/
        UnknownTariff for what does not exist."""
        if kind is TargetKind.EVSE and evse_id < 1:
            raise InvalidInput("evse_id: 1 or more")
        now = self._clock.now()

        def assign(uow: UnitOfWork) -> None:
            tariff = uow.tariffs.get(tariff_id)
            if tariff is None:
                raise UnknownTariff(f"tariff {tariff_id!r} not found")
            site_id = target_id if kind is TargetKind.SITE else None
            if kind is not TargetKind.SITE:
                station = uow.stations.get(StationId(target_id))
                if station is None:
                    raise UnknownStation(f"station {target_id!r} not found")
                site_id = station.site_id
            site = uow.sites.get(SiteId(site_id)) if site_id is not None else None
            if kind is TargetKind.SITE and site is None:
                raise UnknownSite(f"site {target_id!r} not found")
            if site is not None and site.details.currency != tariff.tariff.currency:
                raise InvalidInput(
                    f"tariff_id: tariff {tariff_id!r} is in {tariff.tariff.currency}, "
                    f"site {site.id!r} uses {site.details.currency}"
                )
            assignment = Assignment(kind, target_id, evse_id, tariff_id, customer_group)
            uow.tariffs.assign(assignment, now, actor)
            detail: dict[str, object] = {"tariff_id": tariff_id, "evse_id": evse_id or None}
            if customer_group is not None:
                detail["customer_group"] = customer_group.value
            uow.audit.record(actor, "tariff.assigned", kind.value, target_id, detail, now)

        await self._db.write(assign)

    async def get(self, tariff_id: TariffId, version: int | None = None) -> TariffVersion:
        found = await self._db.read(lambda uow: uow.tariffs.get(tariff_id, version))
        if found is None:
            which = f" version {version}" if version is not None else ""
            raise UnknownTariff(f"tariff {tariff_id!r}{which} not found")
        return found

    async def list(self, *, limit: int = 100, offset: int = 0) -> tuple[list[TariffVersion], int]:
        return await self._db.read(lambda uow: uow.tariffs.list(limit=limit, offset=offset))

    async def applying(
        self, station_id: StationId, evse_id: int | None, group: CustomerGroup | None = None
    ) -> AppliedTariff | None:
        def find(uow: UnitOfWork) -> AppliedTariff | None:
            if uow.stations.get(station_id) is None:
                raise UnknownStation(f"station {station_id!r} not found")
            return uow.tariffs.applying(station_id, evse_id, group)

        return await self._db.read(find)

    async def preview(
        self,
        tariff_id: TariffId,
        described: DescribedSession,
        time_zone: str,
        version: int | None = None,
    ) -> tuple[TariffVersion, PricedSession]:
        """Price a described session with the tariff; nothing is stored."""
        check_time_zone(time_zone)
        stored = await self.get(tariff_id, version)
        return stored, price(stored.tariff, usage_of(described), ZoneInfo(time_zone))


def _stored(uow: UnitOfWork, tariff_id: TariffId) -> TariffVersion:
    found = uow.tariffs.get(tariff_id)
    assert found is not None
    return found
