from datetime import UTC, datetime
from decimal import Decimal

from laddnet.adapters.db.meter_codec import EncodedMeterValue, encode, merge
from laddnet.domain.sessions.model import MeterSample

AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
REGISTER = "Energy.Active.Import.Register"


def sample(value: str, *, location: str | None = None, context: str | None = None) -> MeterSample:
    return MeterSample(AT, REGISTER, Decimal(value), "Wh", None, location, context)


def test_the_higher_of_two_main_register_readings_at_one_timestamp_is_the_rows_register() -> None:
    (row,) = encode([sample("1500"), sample("1520", location="Outlet")])
    assert row.register_wh == Decimal("1520")
    (row,) = encode([sample("1520", location="Outlet"), sample("1500")])
    assert row.register_wh == Decimal("1520")


def test_an_inlet_or_phase_reading_is_not_the_register() -> None:
    phase = MeterSample(AT, REGISTER, Decimal("900"), "Wh", "L1", None, None)
    (row,) = encode([sample("1500"), sample("1600", location="Inlet"), phase])
    assert row.register_wh == Decimal("1500")


def test_a_register_reading_that_joins_a_stored_row_can_raise_its_register() -> None:
    stored = EncodedMeterValue(AT, [sample("1500", context="Sample.Periodic")])
    merged = merge(stored.text, EncodedMeterValue(AT, [sample("1510", context="Sample.Clock")]))
    assert merged is not None
    row, added = merged
    assert (row.register_wh, added) == (Decimal("1510"), 1)
