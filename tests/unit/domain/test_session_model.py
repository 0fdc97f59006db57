from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from laddnet.domain.sessions.model import ChargingSession, RegisterReading, SessionStatus

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


def test_with_energy_changes_only_the_energy_fields() -> None:
    session = ChargingSession(
        id=7,
        station_id="CP-1",
        transaction_ref="tx-1",
        ocpp_version="2.0.1",
        evse_id=1,
        connector_id=2,
        id_token="TAG",
        status=SessionStatus.ACTIVE,
        started_at=T0,
        stopped_at=None,
        stop_reason=None,
        meter_start_wh=Decimal(10),
        meter_stop_wh=None,
        energy_wh=Decimal(0),
        review_required=False,
        anomalies=(),
        last_register=RegisterReading(T0, Decimal(10)),
    )
    last = RegisterReading(T0, Decimal(510))
    expected = replace(
        session,
        energy_wh=Decimal(500),
        last_register=last,
        review_required=True,
        anomalies=("implausible_jump",),
    )
    assert session.with_energy(Decimal(500), last, ("implausible_jump",)) == expected
    assert session.with_energy(Decimal(500), last, ()).review_required is False
