"""Which station is connected here: at most one live connection per station.

Policy: the newest authenticated connection wins. A station that lost its network often
reconnects before the old TCP connection has timed out; refusing it would keep a working station
offline. The old connection is closed (code 4000) and the takeover is recorded as a security
event, so an impersonation attempt with stolen credentials is visible.
"""

from __future__ import annotations

from laddnet.ocpp.rpc import Connection

REPLACED_CLOSE_CODE = 4000


class ConnectionRegistry:
    def __init__(self) -> None:
        self._by_station: dict[str, Connection] = {}

    def get(self, station_id: str) -> Connection | None:
        return self._by_station.get(station_id)

    def add(self, connection: Connection) -> Connection | None:
        """Register and return the connection this one replaces, if any."""
        station_id = connection.session.station_id
        previous = self._by_station.get(station_id)
        self._by_station[station_id] = connection
        return previous

    def remove(self, connection: Connection) -> bool:
        """Unregister, unless a newer connection already took the station's place."""
        station_id = connection.session.station_id
        if self._by_station.get(station_id) is connection:
            del self._by_station[station_id]
            return True
        return False

    def __len__(self) -> int:
        return len(self._by_station)
