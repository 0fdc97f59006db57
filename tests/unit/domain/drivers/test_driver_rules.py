"""A driver's details: validated, the e-mail lower-cased, each bad field named."""

from __future__ import annotations

import pytest

from laddnet.domain.drivers.model import DriverDetails, validated
from laddnet.domain.errors import InvalidInput


def test_valid_details_are_normalized() -> None:
    details = validated(DriverDetails(" Anna ", "Anna@Example.SE", "+46 70-123 45 67", None, "sv"))
    assert (details.name, details.email) == ("Anna", "anna@example.se")


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (DriverDetails(""), "name"),
        (DriverDetails("A", email="not-an-address"), "email"),
        (DriverDetails("A", phone="call me"), "phone"),
        (DriverDetails("A", address="x" * 501), "address"),
        (DriverDetails("A", language="swedish"), "language"),
    ],
)
def test_a_bad_field_is_named(details: DriverDetails, field: str) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        validated(details)
