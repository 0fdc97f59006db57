"""Which assignment applies: the most specific place first (EVSE, station, site), and there
the session's customer group's tariff before the group-less one."""

from __future__ import annotations

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.pricing.records import (
    Assignment,
    CustomerGroup,
    TargetKind,
    TariffId,
    check_customer_group,
    customer_group,
    most_specific,
)

FLEET, MEMBER = CustomerGroup.FLEET, CustomerGroup.MEMBER


def _a(
    kind: TargetKind, tariff: str, group: CustomerGroup | None = None, evse: int = 0
) -> Assignment:
    return Assignment(kind, "x", evse, TariffId(tariff), group)


CANDIDATES = [
    _a(TargetKind.SITE, "site"),
    _a(TargetKind.SITE, "site-fleet", FLEET),
    _a(TargetKind.STATION, "station-member", MEMBER),
    _a(TargetKind.EVSE, "evse-2-fleet", FLEET, evse=2),
]


@pytest.mark.parametrize(
    ("group", "evse", "expected"),
    [
        (None, 1, "site"),  # no group: only group-less assignments
        (CustomerGroup.AD_HOC, 1, "site"),
        (FLEET, 1, "site-fleet"),
        (FLEET, 2, "evse-2-fleet"),
        (MEMBER, 2, "station-member"),  # the station's for members beats the site's
        (CustomerGroup.ROAMING, 2, "site"),
    ],
)
def test_the_place_then_the_group(group: CustomerGroup | None, evse: int, expected: str) -> None:
    chosen = most_specific(CANDIDATES, evse, group)
    assert chosen is not None and chosen.tariff_id == expected


def test_a_group_tariff_never_applies_to_another_group() -> None:
    only_fleet = [_a(TargetKind.SITE, "site-fleet", FLEET)]
    assert most_specific(only_fleet, 1, MEMBER) is None
    assert most_specific(only_fleet, 1, None) is None


def test_a_token_without_a_known_group_is_ad_hoc() -> None:
    assert (
        customer_group(None) is customer_group("") is customer_group("vip") is CustomerGroup.AD_HOC
    )
    assert customer_group("fleet") is FLEET
    with pytest.raises(InvalidInput, match="customer_group: one of ad_hoc, member, fleet, roaming"):
        check_customer_group("vip")
