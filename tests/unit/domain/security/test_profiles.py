"""Which connections a station of each security profile may use."""

from __future__ import annotations

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.profiles import SecurityProfile, allows, parse_profile

P1, P2, P3 = (
    SecurityProfile.BASIC_AUTH,
    SecurityProfile.TLS_BASIC_AUTH,
    SecurityProfile.TLS_CLIENT_CERTIFICATE,
)


@pytest.mark.parametrize(
    ("configured", "transport", "allowed"),
    [
        (P1, P1, True),
        (P1, P2, True),
        (P1, P3, True),
        (P2, P1, False),
        (P2, P2, True),
        (P2, P3, True),
        (P3, P1, False),
        (P3, P2, False),
        (P3, P3, True),
    ],
)
def test_a_station_never_uses_a_lower_profile_than_its_own(
    configured: SecurityProfile, transport: SecurityProfile, allowed: bool
) -> None:
    assert allows(configured, transport) is allowed


@pytest.mark.parametrize("value", [0, 4, -1])
def test_only_profiles_1_to_3_exist(value: int) -> None:
    with pytest.raises(InvalidInput, match="security_profile: must be 1, 2 or 3"):
        parse_profile(value)


def test_profiles_parse_from_their_numbers() -> None:
    assert [parse_profile(n) for n in (1, 2, 3)] == [P1, P2, P3]
