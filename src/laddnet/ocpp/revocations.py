"""A station's connection closed when the client certificate it logged in with is revoked.

A revocation is a `certificate.revoked` event (services/handlers/certificates.py), which every
gateway node hears on the event bus; the node holding a profile-3 connection made with that
certificate (same issuer and serial number) closes it with 1008 (policy violation) and records
a `certificate_revoked` security event. The station's next login with it is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from laddnet.domain.events import Event, EventType
from laddnet.ocpp.connections import ConnectionRegistry
from laddnet.ocpp.rpc import Connection

REVOKED_CLOSE_CODE = 1008

# (connection, detail): record the security event and close the connection.
CloseRevoked = Callable[[Connection, str], None]


class RevocationWatch:
    def __init__(self, registry: ConnectionRegistry, close: CloseRevoked) -> None:
        self._registry = registry
        self._close = close

    def listen(self, event: Event) -> None:
        """An event bus listener: never blocks."""
        if event.type != EventType.CERTIFICATE_REVOKED or event.station_id is None:
            return
        connection = self._registry.get(event.station_id)
        if connection is None or connection.session.certificate is None:
            return  # not here, or logged in with a password
        issuer, serial = connection.session.certificate
        if (issuer, serial) != (event.data.get("issuer"), event.data.get("serial_number")):
            return  # another of its certificates
        self._close(connection, f"client certificate {serial} of {issuer} was revoked")
