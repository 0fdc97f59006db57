"""Mean time to acknowledge and to repair, per site and local month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.maintenance.repair_times import repair_times
from laddnet.domain.maintenance.tickets import (
    Priority,
    Ticket,
    TicketSource,
    TicketStatus,
)

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def a_ticket(
    opened: datetime, site: str | None = "S1", ack: float | None = None, fix: float | None = None
) -> Ticket:
    return Ticket(
        id=1,
        station_id="CS-1",
        site_id=site,
        cause="connector_faulted",
        source=TicketSource.ALERT,
        title="t",
        description="",
        status=TicketStatus.OPEN,
        priority=Priority.HIGH,
        assignee=None,
        created_by="laddnet",
        created_at=opened,
        updated_at=opened,
        acknowledged_at=opened + ack * H if ack is not None else None,
        resolved_at=opened + fix * H if fix is not None else None,
    )


def test_means_per_site_and_month_count_only_what_happened() -> None:
    tickets = [
        a_ticket(T0, ack=1, fix=4),
        a_ticket(T0, ack=3, fix=None),
        a_ticket(T0, ack=None, fix=2),  # cleared by an automatic reset, nobody acknowledged
        a_ticket(T0, site="S2", ack=0.5, fix=1),
    ]
    s1, s2 = repair_times(tickets, {"S1": "UTC", "S2": "UTC"})
    assert (s1.site_id, s1.month, s1.opened) == ("S1", "2026-03", 3)
    assert (s1.mean_to_acknowledge, s1.mean_to_repair) == (2 * H, 3 * H)
    assert (s2.mean_to_acknowledge, s2.mean_to_repair) == (H / 2, H)


def test_the_month_is_the_sites_local_month() -> None:
    late_evening = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # 1 April 00:30 in Stockholm (+2)
    [stockholm] = repair_times([a_ticket(late_evening)], {"S1": "Europe/Stockholm"})
    [utc] = repair_times([a_ticket(late_evening, site=None)], {})
    assert (stockholm.month, utc.month) == ("2026-04", "2026-03")
    assert stockholm.mean_to_repair is None and stockholm.opened == 1
