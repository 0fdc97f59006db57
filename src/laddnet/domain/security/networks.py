"""Allowed source networks of a station: CIDR lists, checked against the address a station
connects from before the WebSocket upgrade."""

from __future__ import annotations

import ipaddress

from laddnet.domain.errors import InvalidInput

MAX_NETWORKS = 50


def parse_networks(values: list[str], where: str = "allowed_networks") -> tuple[str, ...]:
    """The networks in canonical form (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32
    or /128. InvalidInput naming the first bad entry (host bits set count as bad: say what you
    mean)."""
    if len(values) > MAX_NETWORKS:
        raise InvalidInput(f"{where}: at most {MAX_NETWORKS} networks")
    parsed = []
    for value in values:
        try:
            parsed.append(str(ipaddress.ip_network(value.strip(), strict=True)))
        except ValueError:
            raise InvalidInput(f"{where}: {value!r} is not a network in CIDR form") from None
    return tuple(dict.fromkeys(parsed))


def address_allowed(address: str | None, networks: tuple[str, ...] | None) -> bool:
    """Whether `address` may connect: any address when there is no list, none if it is
    unknown (a list is set but the address cannot be read)."""
    if networks is None:
        return True
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.1.2.3 on a dual-stack socket is 10.1.2.3
    return any(ip in ipaddress.ip_network(n) for n in networks)
