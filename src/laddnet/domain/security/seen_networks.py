"""The network a station connects from, coarsened: a station moving inside its carrier's /24
(IPv4) or /48 (IPv6) is the same network; one that turns up in a network it has never used
before is recorded as a security event (`new_network`) and announced (`station.new_network`)."""

from __future__ import annotations

import ipaddress

IPV4_PREFIX = 24
IPV6_PREFIX = 48


def network_of(address: str | None) -> str | None:
    """The /24 (IPv4) or /48 (IPv6) holding `address`, in CIDR form; None if it is not an IP
    address. An IPv4-mapped IPv6 address (a dual-stack socket) counts as its IPv4 address."""
    if address is None:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def effective_networks(
    station: tuple[str, ...] | None, site: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """The allowed networks that apply to a station: its own list if it has one (even an
    empty one, which admits nobody), else its site's; None: anywhere."""
    return station if station is not None else site
