"""Uptime: NEVI counting, station time, exclusions, local days across DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.maintenance.uptime import (
    ConnectorTimelines,
    Figures,
    Interval,
    Reading,
    connector_uptime,
    minutes,
    parse_bound,
)
from laddnet.domain.stations.model import ConnectorStatus

CS = ConnectorStatus

T0 = datetime(2026, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)


def test_a_connector_always_available_is_up_all_the_time() -> None:
    figures = connector_uptime(T0, T0 + 24 * H, ConnectorTimelines([Reading(T0 - H, CS.AVAILABLE)]))
    assert figures == Figures(up=24 * H)
    assert figures.percent == Decimal("100.00")


def test_faulted_and_unavailable_time_is_down_occupied_is_up() -> None:
    readings = [
        Reading(T0 - H, CS.AVAILABLE),
        Reading(T0 + 2 * H, CS.OCCUPIED),
        Reading(T0 + 4 * H, CS.FAULTED, "GroundFailure"),
        Reading(T0 + 5 * H, CS.AVAILABLE),
        Reading(T0 + 6 * H, CS.AVAILABLE, "HighTemperature"),  # an error code: down
        Reading(T0 + 7 * H, CS.UNAVAILABLE),
        Reading(T0 + 8 * H, CS.AVAILABLE),
    ]
    figures = connector_uptime(T0, T0 + 10 * H, ConnectorTimelines(readings))
    assert (figures.up, figures.down) == (7 * H, 3 * H)
    assert figures.percent == Decimal("70.00")


def test_the_station_being_offline_or_faulted_takes_every_connector_down() -> None:
    timelines = ConnectorTimelines(
        [Reading(T0 - H, CS.AVAILABLE)],
        evse=[Reading(T0 + 3 * H, CS.UNAVAILABLE), Reading(T0 + 4 * H, CS.AVAILABLE)],
        station=[Reading(T0 + 6 * H, CS.FAULTED), Reading(T0 + 7 * H, CS.AVAILABLE)],
        presence=[(T0 - H, True), (T0 + H, False), (T0 + 2 * H, True)],
    )
    figures = connector_uptime(T0, T0 + 10 * H, timelines)
    assert (figures.up, figures.down) == (7 * H, 3 * H)


def test_maintenance_and_outages_outside_our_control_are_excluded() -> None:
    timelines = ConnectorTimelines(
        [Reading(T0 - H, CS.AVAILABLE), Reading(T0 + 2 * H, CS.UNAVAILABLE)],
        excluded=[Interval(T0 + 2 * H, T0 + 6 * H), Interval(T0 + 9 * H, None)],
    )
    figures = connector_uptime(T0, T0 + 10 * H, timelines)
    assert figures == Figures(up=2 * H, down=3 * H, excluded=5 * H)
    assert figures.percent == Decimal("40.00")


def test_time_before_the_first_report_is_unknown_not_down() -> None:
    figures = connector_uptime(T0, T0 + 4 * H, ConnectorTimelines([Reading(T0 + H, CS.AVAILABLE)]))
    assert figures == Figures(up=3 * H, unknown=H)
    assert connector_uptime(T0, T0 + H, ConnectorTimelines([])).percent is None


def test_a_change_reported_late_counts_from_the_station_time() -> None:
    # The station was offline, queued the fault and sent it an hour later: the fault still
    # counts from its own timestamp.
    late = [Reading(T0 - H, CS.AVAILABLE), Reading(T0 + H, CS.FAULTED)]
    figures = connector_uptime(T0, T0 + 3 * H, ConnectorTimelines(late))
    assert (figures.up, figures.down) == (H, 2 * H)


def test_a_local_day_across_the_spring_change_has_23_hours() -> None:
    start = parse_bound("2026-03-29", "Europe/Stockholm", "from")
    end = parse_bound("2026-03-30", "Europe/Stockholm", "to")
    assert end - start == 23 * H
    autumn = parse_bound("2026-10-26", "Europe/Stockholm", "to") - parse_bound(
        "2026-10-25", "Europe/Stockholm", "from"
    )
    assert autumn == 25 * H
    figures = connector_uptime(start, end, ConnectorTimelines([Reading(start - H, CS.AVAILABLE)]))
    assert minutes(figures.up) == Decimal("1380.00")


def test_a_month_in_local_time_starts_at_local_midnight() -> None:
    start = parse_bound("2026-03-01", "America/New_York", "from")
    assert start.astimezone(UTC) == datetime(2026, 3, 1, 5, tzinfo=UTC)
    end = parse_bound("2026-04-01", "America/New_York", "to")
    assert end.astimezone(UTC) == datetime(2026, 4, 1, 4, tzinfo=UTC)  # DST began between


@pytest.mark.parametrize("text", ["yesterday", "2026-03-01T00:00:00", "2026-13-01"])
def test_bad_bounds_are_refused_by_name(text: str) -> None:
    with pytest.raises(InvalidInput, match="from:"):
        parse_bound(text, "UTC", "from")


def test_an_empty_period_is_refused() -> None:
    with pytest.raises(InvalidInput, match="end after it starts"):
        connector_uptime(T0, T0, ConnectorTimelines([]))
