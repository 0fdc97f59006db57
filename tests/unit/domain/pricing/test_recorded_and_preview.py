"""Usage from what was recorded (readings, charging states) and from a described session."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.preview import DescribedSession, PowerStep, usage_of
from laddnet.domain.pricing.recorded import recorded_usage
from laddnet.domain.pricing.usage import ChargingChange, Reading
from laddnet.domain.sessions.model import RegisterReading
from laddnet.domain.stations.model import ChargingState
from tests.unit.domain.pricing.builders import utc

T0 = utc(2026, 11, 2, 8)


def test_recorded_usage_walks_readings_and_maps_charging_states() -> None:
    readings = [
        RegisterReading(T0 + timedelta(minutes=m), Decimal(wh))
        for m, wh in ((-5, 0), (0, 100), (10, 900), (15, 800), (20, 1500), (90, 9999))
    ]
    states = [
        (T0 + timedelta(minutes=5), ChargingState.CHARGING),
        (T0 + timedelta(minutes=12), ChargingState.SUSPENDED_EVSE),  # the station held back
        (T0 + timedelta(minutes=20), ChargingState.SUSPENDED_EV),  # full: parking
        (T0 + timedelta(minutes=25), ChargingState.EV_CONNECTED),  # still parking
    ]
    usage = recorded_usage(T0, T0 + timedelta(minutes=30), readings, states)
    # Outside the session and below the highest so far (800 after 900) are left out.
    assert [(r.at, r.wh) for r in usage.readings] == [
        (T0, Decimal(100)),
        (T0 + timedelta(minutes=10), Decimal(900)),
        (T0 + timedelta(minutes=20), Decimal(1500)),
    ]
    assert usage.charging_changes == (ChargingChange(T0 + timedelta(minutes=20), False),)


def test_a_described_session_spreads_energy_or_integrates_a_profile() -> None:
    even = usage_of(
        DescribedSession(T0, T0 + timedelta(hours=2), Decimal("11"), T0 + timedelta(hours=1))
    )
    assert even.readings == (
        Reading(T0, Decimal(0)),
        Reading(T0 + timedelta(hours=1), Decimal(11000)),
    )
    assert even.charging_changes == (ChargingChange(T0 + timedelta(hours=1), False),)
    profile = (PowerStep(T0, Decimal(11)), PowerStep(T0 + timedelta(minutes=30), Decimal(22)))
    shaped = usage_of(DescribedSession(T0, T0 + timedelta(hours=1), profile=profile))
    assert [r.wh for r in shaped.readings] == [Decimal(0), Decimal(5500), Decimal(16500)]


@pytest.mark.parametrize(
    ("described", "field"),
    [
        (DescribedSession(T0, T0 - timedelta(seconds=1), Decimal(1)), "stop"),
        (DescribedSession(T0, T0 + timedelta(hours=1)), "energy_kwh"),
        (
            DescribedSession(T0, T0 + timedelta(hours=1), Decimal(1), T0 + timedelta(hours=2)),
            "charging_ended_at",
        ),
        (
            DescribedSession(
                T0, T0 + timedelta(hours=1), Decimal(1), profile=(PowerStep(T0, Decimal(1)),)
            ),
            "energy_kwh",
        ),
        (
            DescribedSession(
                T0,
                T0 + timedelta(hours=1),
                profile=(PowerStep(T0 + timedelta(minutes=1), Decimal(1)),),
            ),
            "profile.0.at",
        ),
    ],
)
def test_a_described_session_that_cannot_be_is_refused(
    described: DescribedSession, field: str
) -> None:
    with pytest.raises(InvalidInput, match=field):
        usage_of(described)
