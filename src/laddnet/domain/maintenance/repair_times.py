"""Mean time to acknowledge and to repair, per site and month (the site's local months).

Time to acknowledge: from a ticket's opening to the first step a person took on it
(`acknowledged_at`); tickets nobody acknowledged are not counted. Time to repair: from its
opening to its resolution (`resolved_at`, the last one if it was reopened), whoever resolved
it (a fault that cleared after an automatic reset counts too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from laddnet.domain.maintenance.tickets import Ticket


@dataclass
class MonthFigures:
    site_id: str | None
    month: str  # YYYY-MM in the site's time zone
    opened: int = 0
    to_acknowledge: list[timedelta] = field(default_factory=list)
    to_repair: list[timedelta] = field(default_factory=list)

    @property
    def mean_to_acknowledge(self) -> timedelta | None:
        return _mean(self.to_acknowledge)

    @property
    def mean_to_repair(self) -> timedelta | None:
        return _mean(self.to_repair)


def _mean(spans: list[timedelta]) -> timedelta | None:
    return sum(spans, timedelta(0)) / len(spans) if spans else None


def repair_times(tickets: Iterable[Ticket], zones: dict[str | None, str]) -> list[MonthFigures]:
    """Figures per (site, local month of opening), in site and month order. `zones`: each
    site's IANA time zone (a ticket of a site not in it, or of none, counts in UTC)."""
    out: dict[tuple[str, str], MonthFigures] = {}
    for t in tickets:
        zone = ZoneInfo(zones.get(t.site_id) or "UTC")
        month = _month(t.created_at, zone)
        figures = out.setdefault((t.site_id or "", month), MonthFigures(t.site_id, month))
        figures.opened += 1
        if t.acknowledged_at is not None:
            figures.to_acknowledge.append(t.acknowledged_at - t.created_at)
        if t.resolved_at is not None:
            figures.to_repair.append(t.resolved_at - t.created_at)
    return [out[k] for k in sorted(out)]


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")
