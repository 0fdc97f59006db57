"""Uptime reports and excluded outages on the wire."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from laddnet.api.schemas import ExactNumber, UtcDateTime
from laddnet.domain.maintenance.repair_times import MonthFigures
from laddnet.domain.maintenance.uptime import Figures, minutes
from laddnet.services.maintenance.uptime import ConnectorUptime, UptimeReport


class UptimeFigures(BaseModel):
    minutes_up: ExactNumber
    minutes_down: ExactNumber
    minutes_excluded: ExactNumber = Field(description="Maintenance mode and excluded outages")
    minutes_unknown: ExactNumber = Field(description="Before the connector's first report")
    uptime_percent: ExactNumber | None = Field(description="up / (up + down); null: none counted")

    @staticmethod
    def values(f: Figures) -> dict[str, Decimal | None]:
        return {
            "minutes_up": minutes(f.up),
            "minutes_down": minutes(f.down),
            "minutes_excluded": minutes(f.excluded),
            "minutes_unknown": minutes(f.unknown),
            "uptime_percent": f.percent,
        }


class ConnectorUptimeOut(UptimeFigures):
    station_id: str
    site_id: str | None
    evse_id: int
    connector_id: int
    start: UtcDateTime = Field(description="The period's start for this station's site, in UTC")
    end: UtcDateTime

    @classmethod
    def from_domain(cls, c: ConnectorUptime) -> ConnectorUptimeOut:
        return cls(
            station_id=c.station_id,
            site_id=c.site_id,
            evse_id=c.evse_id,
            connector_id=c.connector_id,
            start=c.start,
            end=c.end,
            **UptimeFigures.values(c.figures),
        )


class StationUptimeOut(UptimeFigures):
    station_id: str


class SiteUptimeOut(UptimeFigures):
    site_id: str | None


class UptimeReportOut(BaseModel):
    connectors: list[ConnectorUptimeOut]
    stations: list[StationUptimeOut]
    sites: list[SiteUptimeOut]
    total: UptimeFigures

    @classmethod
    def from_domain(cls, report: UptimeReport) -> UptimeReportOut:
        return cls(
            connectors=[ConnectorUptimeOut.from_domain(c) for c in report.connectors],
            stations=[
                StationUptimeOut(station_id=s, **UptimeFigures.values(f))
                for s, f in report.by_station().items()
            ],
            sites=[
                SiteUptimeOut(site_id=s, **UptimeFigures.values(f))
                for s, f in sorted(report.by_site().items(), key=lambda i: i[0] or "")
            ],
            total=UptimeFigures(**UptimeFigures.values(report.total())),
        )


CSV_COLUMNS = (
    "station_id",
    "site_id",
    "evse_id",
    "connector_id",
    "start",
    "end",
    "minutes_up",
    "minutes_down",
    "minutes_excluded",
    "minutes_unknown",
    "uptime_percent",
)


def uptime_csv(report: UptimeReport) -> str:
    """One line per connector, the columns of CSV_COLUMNS (exact decimals, UTC times)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in report.connectors:
        f = UptimeFigures.values(c.figures)
        writer.writerow(
            [
                c.station_id,
                c.site_id or "",
                c.evse_id,
                c.connector_id,
                c.start.isoformat(),
                c.end.isoformat(),
                *(str(f[k]) if f[k] is not None else "" for k in CSV_COLUMNS[6:]),
            ]
        )
    return out.getvalue()


class ExclusionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    station_id: str = Field(min_length=1, max_length=48)
    start: str = Field(description="A date (the site's local midnight) or a time with an offset")
    end: str = Field(description="As start; the outage ends there")
    reason: str = Field(min_length=1, max_length=255, description="e.g. grid power cut")


class ExclusionOut(BaseModel):
    id: int
    station_id: str
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    reason: str
    created_by: str
    created_at: UtcDateTime


class RepairTimesOut(BaseModel):
    site_id: str | None
    month: str = Field(description="YYYY-MM, the site's local month the tickets were opened in")
    tickets: int = Field(description="Opened in that month")
    acknowledged: int
    resolved: int
    mean_minutes_to_acknowledge: ExactNumber | None
    mean_minutes_to_repair: ExactNumber | None

    @classmethod
    def from_domain(cls, m: MonthFigures) -> RepairTimesOut:
        ack, fix = m.mean_to_acknowledge, m.mean_to_repair
        return cls(
            site_id=m.site_id,
            month=m.month,
            tickets=m.opened,
            acknowledged=len(m.to_acknowledge),
            resolved=len(m.to_repair),
            mean_minutes_to_acknowledge=minutes(ack) if ack is not None else None,
            mean_minutes_to_repair=minutes(fix) if fix is not None else None,
        )
