"""Uptime reports per connector, station and site, and outages excluded from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from laddnet.domain.errors import InvalidInput, UnknownSite, UnknownStation
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.maintenance.repair_times import MonthFigures, repair_times
from laddnet.domain.maintenance.tickets import check_text
from laddnet.domain.maintenance.uptime import (
    ConnectorTimelines,
    Figures,
    connector_uptime,
    parse_bound,
)
from laddnet.ports import Clock, Database, UnitOfWork

MAX_PERIOD = timedelta(days=367)


@dataclass(frozen=True, slots=True)
class ConnectorUptime:
    station_id: str
    site_id: str | None
    evse_id: int
    connector_id: int
    start: datetime  # the period in UTC (its bounds are the site's local midnights for dates)
    end: datetime
    figures: Figures


@dataclass(frozen=True, slots=True)
class UptimeReport:
    connectors: list[ConnectorUptime]

    def by_station(self) -> dict[str, Figures]:
        out: dict[str, Figures] = {}
        for c in self.connectors:
            out[c.station_id] = out.get(c.station_id, Figures()) + c.figures
        return out

    def by_site(self) -> dict[str | None, Figures]:
        out: dict[str | None, Figures] = {}
        for c in self.connectors:
            out[c.site_id] = out.get(c.site_id, Figures()) + c.figures
        return out

    def total(self) -> Figures:
        return sum((c.figures for c in self.connectors), Figures())


def _period(from_text: str, to_text: str, zone: str) -> tuple[datetime, datetime]:
    start, end = parse_bound(from_text, zone, "from"), parse_bound(to_text, zone, "to")
    if end <= start:
        raise InvalidInput("to: must come after from")
    if end - start > MAX_PERIOD:
        raise InvalidInput("to: a report covers at most a year")
    return start, end


class UptimeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def report(self, from_text: str, to_text: str, site_id: str | None) -> UptimeReport:
        _period(from_text, to_text, "UTC")  # input errors first, before any read

        def read(uow: UnitOfWork) -> UptimeReport:
            if site_id is not None and not uow.sites.exists(SiteId(site_id)):
                raise UnknownSite(f"site {site_id!r} not found")
            rows: list[ConnectorUptime] = []
            for station_id, site, zone in uow.uptime.report_stations(site_id):
                start, end = _period(from_text, to_text, zone)
                readings = uow.uptime.readings(station_id, start, end)
                presence = uow.uptime.presence(station_id, start, end)
                excluded = uow.uptime.excluded(station_id, start, end)
                whole = readings.get((0, 0), [])
                for (evse, connector), timeline in sorted(readings.items()):
                    if connector == 0:
                        continue
                    own = readings.get((evse, 0), [])
                    lines = ConnectorTimelines(timeline, own, whole, presence, excluded)
                    figures = connector_uptime(start, end, lines)
                    rows.append(
                        ConnectorUptime(station_id, site, evse, connector, start, end, figures)
                    )
            return UptimeReport(rows)

        return await self._db.read(read)

    async def exclude(
        self, station_id: str, from_text: str, to_text: str, reason: str, actor: str
    ) -> int:
        """Mark an outage as outside the operator's control: uptime leaves it out."""
        reason = check_text("reason", reason, 255)
        now = self._clock.now()

        def add(uow: UnitOfWork) -> int:
            station = uow.stations.get(StationId(station_id))
            if station is None:
                raise UnknownStation(f"station {station_id!r} not found")
            zone = "UTC"
            if station.site_id is not None:
                site = uow.sites.get(station.site_id)
                zone = site.details.time_zone if site else "UTC"
            start, end = _period(from_text, to_text, zone)
            exclusion = uow.uptime.add_exclusion(station_id, start, end, reason, actor, now)
            detail = {"from": start.isoformat(), "to": end.isoformat(), "reason": reason}
            uow.audit.record(actor, "uptime.excluded", "station", station_id, detail, now)
            return exclusion

        return await self._db.write(add)

    async def repair_times(
        self, from_text: str, to_text: str, site_id: str | None
    ) -> list[MonthFigures]:
        """Mean time to acknowledge and to repair of the tickets opened in the period, per site
        and local month (dates are the site's local days if a site is given, else UTC)."""
        _period(from_text, to_text, "UTC")

        def read(uow: UnitOfWork) -> list[MonthFigures]:
            zone = "UTC"
            if site_id is not None:
                site = uow.sites.get(SiteId(site_id))
                if site is None:
                    raise UnknownSite(f"site {site_id!r} not found")
                zone = site.details.time_zone
            start, end = _period(from_text, to_text, zone)
            found, zones = uow.tickets.opened_between(start, end, site_id)
            return repair_times(found, zones)

        return await self._db.read(read)

    async def exclusions(self, station_id: str | None) -> list[dict[str, object]]:
        rows = await self._db.read(lambda uow: uow.uptime.exclusions(station_id, 500))
        return [dict(r) for r in rows]
