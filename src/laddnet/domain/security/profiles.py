"""OCPP security profiles: how a station proves who it is, and which connections it may use.

Profile 1 is HTTP basic auth over plain WebSocket, 2 the same over TLS, 3 mutual TLS (the
station's client certificate, issued by the operator's station CA, names the station). A station
never connects with a lower profile than its own; a higher one is fine.
"""

from __future__ import annotations

from enum import IntEnum

from laddnet.domain.errors import InvalidInput


class SecurityProfile(IntEnum):
    BASIC_AUTH = 1  # ws:// with HTTP basic auth
    TLS_BASIC_AUTH = 2  # wss:// with HTTP basic auth
    TLS_CLIENT_CERTIFICATE = 3  # wss:// with a client certificate (mutual TLS)


def parse_profile(value: int, where: str = "security_profile") -> SecurityProfile:
    try:
        return SecurityProfile(value)
    except ValueError:
        raise InvalidInput(f"{where}: must be 1, 2 or 3 (the OCPP security profile)") from None


def allows(configured: SecurityProfile, transport: SecurityProfile) -> bool:
    """Whether a station configured for `configured` may connect over `transport`."""
    return transport >= configured


def downgrade_reason(configured: SecurityProfile, transport: SecurityProfile) -> str:
    return (
        f"station is configured for security profile {int(configured)},"
        f" connected with profile {int(transport)}"
    )
