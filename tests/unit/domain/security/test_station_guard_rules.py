"""Networks seen per station, the allow-list that applies, and where firmware may come from."""

from __future__ import annotations

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.firmware import check_location, parse_sha256
from laddnet.domain.security.seen_networks import effective_networks, network_of


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.77", "192.0.2.0/24"),
        ("::ffff:192.0.2.77", "192.0.2.0/24"),  # a dual-stack socket's view of IPv4
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("not an address", None),
        (None, None),
    ],
)
def test_network_of_coarsens_to_24_and_48(address: str | None, network: str | None) -> None:
    assert network_of(address) == network


def test_the_station_list_wins_over_the_site_list_even_when_empty() -> None:
    assert effective_networks(("10.0.0.0/8",), ("192.0.2.0/24",)) == ("10.0.0.0/8",)
    assert effective_networks((), ("192.0.2.0/24",)) == ()
    assert effective_networks(None, ("192.0.2.0/24",)) == ("192.0.2.0/24",)
    assert effective_networks(None, None) is None


PREFIX = "https://fw.example.com/releases"


@pytest.mark.parametrize(
    "location",
    [
        "https://fw.example.com/releases/a/v2.bin",
        "https://FW.example.com/releases/v2.bin",
        "https://fw.example.com/releases/",
    ],
)
def test_locations_inside_the_repository_pass(location: str) -> None:
    check_location(location, PREFIX)
    check_location(location, PREFIX + "/")


@pytest.mark.parametrize(
    "location",
    [
        "https://fw.example.com/releases-evil/v2.bin",  # a sibling, not below the prefix
        "https://fw.example.com.evil.org/releases/v2.bin",
        "http://fw.example.com/releases/v2.bin",  # another scheme
        "https://fw.example.com:8443/releases/v2.bin",
        "https://fw.example.com/releases/../private/v2.bin",
        "https://fw.example.com/releases/%2e%2e/private/v2.bin",
        "https://fw.example.com/releases/a%2Fb.bin",
        "https://user:pw@fw.example.com/releases/v2.bin",
        "https://fw.example.com/other/v2.bin",
    ],
)
def test_locations_outside_the_repository_are_refused(location: str) -> None:
    with pytest.raises(InvalidInput, match="firmware only from"):
        check_location(location, PREFIX)


def test_no_prefix_admits_any_location() -> None:
    check_location("ftp://anywhere.example/x.bin", None)


def test_sha256_is_64_hex_digits() -> None:
    assert parse_sha256("AB" * 32) == bytes([0xAB]) * 32
    for bad in ("ab" * 31, "zz" * 32, ""):
        with pytest.raises(InvalidInput, match="firmware_sha256"):
            parse_sha256(bad)
