"""Allowed source networks: parsing and matching."""

from __future__ import annotations

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.networks import address_allowed, parse_networks


def test_networks_are_canonical_and_deduplicated() -> None:
    assert parse_networks(["10.0.0.0/8", " 192.168.1.7", "2001:db8::/32", "10.0.0.0/8"]) == (
        "10.0.0.0/8",
        "192.168.1.7/32",
        "2001:db8::/32",
    )


@pytest.mark.parametrize("bad", ["10.0.0.1/8", "not-a-net", "300.1.1.1/32", ""])
def test_bad_entries_are_named(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not a network in CIDR form"):
        parse_networks(["10.0.0.0/8", bad])


@pytest.mark.parametrize(
    ("address", "networks", "allowed"),
    [
        ("10.1.2.3", None, True),
        ("10.1.2.3", ("10.0.0.0/8",), True),
        ("11.1.2.3", ("10.0.0.0/8",), False),
        ("::ffff:10.1.2.3", ("10.0.0.0/8",), True),
        ("2001:db8::1", ("2001:db8::/32",), True),
        (None, ("10.0.0.0/8",), False),
        ("10.1.2.3", (), False),
    ],
)
def test_addresses_match_their_networks(
    address: str | None, networks: tuple[str, ...] | None, allowed: bool
) -> None:
    assert address_allowed(address, networks) is allowed
